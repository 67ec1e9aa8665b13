package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Routes libbpf's printf-style log to the {@code libbpf} logger, once per process. */
@SuppressWarnings("restricted") // FFM lives in this package only
final class LibbpfLog {
    private static final Logger LOG = LoggerFactory.getLogger("libbpf");
    private static final int LIBBPF_WARN = 0;
    private static final int LIBBPF_INFO = 1;

    /** {@code libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn);} */
    private static final MethodHandle SET_PRINT =
            Native.libbpf("libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS));
    /** {@code int vsnprintf(char *str, size_t size, const char *format, va_list ap);} */
    private static final MethodHandle VSNPRINTF =
            Native.libc("vsnprintf", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));

    private static final MethodHandle PRINT = Native.method(MethodHandles.lookup(), LibbpfLog.class, "print",
            int.class, MemorySegment.class, MemorySegment.class);
    private static boolean installed;

    private LibbpfLog() {}

    static synchronized void install() {
        if (installed) {
            return;
        }
        MemorySegment stub = Native.LINKER.upcallStub(PRINT, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS),
                Arena.global());
        MemorySegment previous = Native.call(() -> (MemorySegment) SET_PRINT.invokeExact(stub));
        LOG.debug("libbpf log routed here, replacing the printer at {}", previous);
        installed = true;
    }

    /** {@code int (*)(enum libbpf_print_level level, const char *fmt, va_list args)}; must not throw. */
    @SuppressWarnings("unused") // called from native code
    private static int print(int level, MemorySegment format, MemorySegment args) {
        if (level > LIBBPF_INFO && !LOG.isDebugEnabled()) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4096);
            int n = (int) VSNPRINTF.invokeExact(buf, buf.byteSize(), format, args);
            String line = n < 0 ? "(unformattable libbpf message)" : buf.getString(0).stripTrailing();
            switch (level) {
                case LIBBPF_WARN -> LOG.warn("{}", line);
                case LIBBPF_INFO -> LOG.info("{}", line);
                default -> LOG.debug("{}", line);
            }
            return n;
        } catch (Throwable t) {
            return 0;
        }
    }
}
