// exmy's replacements of Verilator's user-overridable termination hooks. verilated.cpp is
// compiled with -DVL_USER_FATAL -DVL_USER_STOP -DVL_USER_FINISH, so a $stop, $fatal or internal
// Verilator fatal error throws a C++ exception that the per-model wrapper turns into a Java
// SimException, instead of calling abort()/exit() and taking the whole JVM down.
#include "verilated.h"

#include <stdexcept>
#include <string>

static std::string exmy_where(const char* filename, int linenum, const char* hier) {
    std::string s;
    if (filename && filename[0]) s += std::string(filename) + ":" + std::to_string(linenum) + ": ";
    if (hier && hier[0]) s += std::string("(") + hier + ") ";
    return s;
}

void vl_fatal(const char* filename, int linenum, const char* hier, const char* msg) {
    Verilated::threadContextp()->gotError(true);
    Verilated::threadContextp()->gotFinish(true);
    throw std::runtime_error("%Error: " + exmy_where(filename, linenum, hier) + (msg ? msg : "fatal"));
}

void vl_stop(const char* filename, int linenum, const char* hier) {
    Verilated::threadContextp()->gotError(true);
    Verilated::threadContextp()->gotFinish(true);
    throw std::runtime_error("%Error: " + exmy_where(filename, linenum, hier) + "Verilog $stop");
}

// $finish only raises the context's gotFinish flag (the default would exit() the JVM on the second).
void vl_finish(const char* filename, int linenum, const char* hier) {
    (void)filename;
    (void)linenum;
    (void)hier;
    Verilated::threadContextp()->gotFinish(true);
}
