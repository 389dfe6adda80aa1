/*
 * Generic JNI shim of exmy's Verilator backend (org.exmy.hdl.sim.NativeBridge).
 *
 * One copy serves every model: it dlopen()s a model library with RTLD_LOCAL, so each model keeps
 * its own copy of the Verilator runtime and no symbol can clash between models, and forwards to
 * the model's C entry points:
 *
 *   int   exmy_abi(void);                                    -- EXMY_ABI below
 *   void* exmy_create(char* err, int errlen);                -- NULL + message on failure
 *   int   exmy_run(void* m, const uint32_t* in, uint32_t* out, int steps, char* err, int errlen);
 *                                                            -- 0, or 1 + message
 *   void  exmy_destroy(void* m);
 *
 * Failures are thrown as org.exmy.hdl.sim.SimException.
 */
#include <jni.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define EXMY_ABI 2
#define ERRLEN 2048

typedef int (*abi_fn)(void);
typedef void *(*create_fn)(char *, int);
typedef int (*run_fn)(void *, const uint32_t *, uint32_t *, int, char *, int);
typedef void (*destroy_fn)(void *);

typedef struct {
  void *dl;
  void *model;
  run_fn run;
  destroy_fn destroy;
} handle_t;

static void throw_sim(JNIEnv *env, const char *msg) {
  jclass c = (*env)->FindClass(env, "org/exmy/hdl/sim/SimException");
  if (c == NULL) return; /* NoClassDefFoundError pending */
  (*env)->ThrowNew(env, c, msg);
}

JNIEXPORT jlong JNICALL Java_org_exmy_hdl_sim_NativeBridge_open(JNIEnv *env, jclass cls, jstring path) {
  (void)cls;
  char buf[ERRLEN];
  const char *p = (*env)->GetStringUTFChars(env, path, NULL);
  if (p == NULL) return 0;
  void *dl = dlopen(p, RTLD_NOW | RTLD_LOCAL);
  if (dl == NULL) {
    snprintf(buf, sizeof buf, "cannot load verilated model %s: %s", p, dlerror());
    (*env)->ReleaseStringUTFChars(env, path, p);
    throw_sim(env, buf);
    return 0;
  }
  abi_fn abi = (abi_fn)dlsym(dl, "exmy_abi");
  create_fn create = (create_fn)dlsym(dl, "exmy_create");
  run_fn run = (run_fn)dlsym(dl, "exmy_run");
  destroy_fn destroy = (destroy_fn)dlsym(dl, "exmy_destroy");
  if (abi == NULL || create == NULL || run == NULL || destroy == NULL || abi() != EXMY_ABI) {
    snprintf(buf, sizeof buf, "%s is not an exmy model library of ABI %d (stale cache? delete it)", p, EXMY_ABI);
    (*env)->ReleaseStringUTFChars(env, path, p);
    dlclose(dl);
    throw_sim(env, buf);
    return 0;
  }
  (*env)->ReleaseStringUTFChars(env, path, p);
  handle_t *h = (handle_t *)malloc(sizeof(handle_t));
  if (h == NULL) {
    dlclose(dl);
    throw_sim(env, "out of memory");
    return 0;
  }
  buf[0] = 0;
  h->model = create(buf, (int)sizeof buf);
  if (h->model == NULL) {
    free(h);
    dlclose(dl);
    throw_sim(env, buf[0] ? buf : "cannot create the verilated model");
    return 0;
  }
  h->dl = dl;
  h->run = run;
  h->destroy = destroy;
  return (jlong)(intptr_t)h;
}

JNIEXPORT void JNICALL Java_org_exmy_hdl_sim_NativeBridge_run(JNIEnv *env, jclass cls, jlong handle,
                                                              jintArray in, jintArray out, jint steps) {
  (void)cls;
  handle_t *h = (handle_t *)(intptr_t)handle;
  char buf[ERRLEN];
  int rc = 0;
  buf[0] = 0;
  /* Critical sections: no copies; the model code neither calls back into the JVM nor blocks. */
  jint *i = (jint *)(*env)->GetPrimitiveArrayCritical(env, in, NULL);
  if (i == NULL) return; /* OutOfMemoryError pending */
  jint *o = (jint *)(*env)->GetPrimitiveArrayCritical(env, out, NULL);
  if (o == NULL) {
    (*env)->ReleasePrimitiveArrayCritical(env, in, i, JNI_ABORT);
    return;
  }
  rc = h->run(h->model, (const uint32_t *)i, (uint32_t *)o, steps, buf, (int)sizeof buf);
  (*env)->ReleasePrimitiveArrayCritical(env, out, o, 0);
  (*env)->ReleasePrimitiveArrayCritical(env, in, i, JNI_ABORT);
  if (rc != 0) throw_sim(env, buf[0] ? buf : "verilated model failed");
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
