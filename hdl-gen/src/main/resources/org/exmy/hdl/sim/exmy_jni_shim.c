/*
 * Generic JNI shim of exmy's Verilator backend. One copy serves every model: it dlopen()s a
 * model library (RTLD_LOCAL, so each model keeps its own Verilator runtime and symbols never
 * clash) and forwards to its C entry points exmy_create / exmy_run / exmy_destroy.
 */
#include <jni.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>

typedef void *(*create_fn)(void);
typedef void (*run_fn)(void *, const uint32_t *, uint32_t *, int);
typedef void (*destroy_fn)(void *);

typedef struct {
  void *dl;
  void *model;
  run_fn run;
  destroy_fn destroy;
} handle_t;

static void throw_state(JNIEnv *env, const char *msg) {
  jclass c = (*env)->FindClass(env, "java/lang/IllegalStateException");
  if (c != NULL) (*env)->ThrowNew(env, c, msg);
}

JNIEXPORT jlong JNICALL Java_org_exmy_hdl_sim_NativeBridge_open(JNIEnv *env, jclass cls, jstring path) {
  (void)cls;
  const char *p = (*env)->GetStringUTFChars(env, path, NULL);
  void *dl = dlopen(p, RTLD_NOW | RTLD_LOCAL);
  (*env)->ReleaseStringUTFChars(env, path, p);
  if (dl == NULL) {
    char buf[1024];
    snprintf(buf, sizeof buf, "cannot load verilated model: %s", dlerror());
    throw_state(env, buf);
    return 0;
  }
  create_fn create = (create_fn)dlsym(dl, "exmy_create");
  run_fn run = (run_fn)dlsym(dl, "exmy_run");
  destroy_fn destroy = (destroy_fn)dlsym(dl, "exmy_destroy");
  if (create == NULL || run == NULL || destroy == NULL) {
    dlclose(dl);
    throw_state(env, "verilated model library lacks exmy_create/exmy_run/exmy_destroy");
    return 0;
  }
  handle_t *h = (handle_t *)malloc(sizeof(handle_t));
  h->dl = dl;
  h->model = create();
  h->run = run;
  h->destroy = destroy;
  return (jlong)(intptr_t)h;
}

JNIEXPORT void JNICALL Java_org_exmy_hdl_sim_NativeBridge_run(JNIEnv *env, jclass cls, jlong handle,
                                                              jintArray in, jintArray out, jint steps) {
  (void)cls;
  handle_t *h = (handle_t *)(intptr_t)handle;
  jint *i = (jint *)(*env)->GetPrimitiveArrayCritical(env, in, NULL);
  jint *o = (jint *)(*env)->GetPrimitiveArrayCritical(env, out, NULL);
  if (i != NULL && o != NULL) h->run(h->model, (const uint32_t *)i, (uint32_t *)o, steps);
  if (o != NULL) (*env)->ReleasePrimitiveArrayCritical(env, out, o, 0);
  if (i != NULL) (*env)->ReleasePrimitiveArrayCritical(env, in, i, JNI_ABORT);
}

JNIEXPORT void JNICALL Java_org_exmy_hdl_sim_NativeBridge_close(JNIEnv *env, jclass cls, jlong handle) {
  (void)env;
  (void)cls;
  handle_t *h = (handle_t *)(intptr_t)handle;
  if (h == NULL) return;
  h->destroy(h->model);
  dlclose(h->dl);
  free(h);
}
