package io.synguard.bench;

import io.synguard.bpf.Cpus;
import io.synguard.bpf.Libbpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The machine a figure was measured on, recorded beside it. */
record Machine(String cpu, int cpus, String kernel, String jdk, String libbpf) {

    static Machine current() {
        return new Machine(cpuModel(), Cpus.possible(), System.getProperty("os.version"), Runtime.version().toString(),
                Libbpf.version());
    }

    /** One line for a report's head. */
    String describe() {
        return String.format(Locale.ROOT, "%s, %d CPUs, kernel %s, JDK %s, libbpf %s", cpu, cpus, kernel, jdk, libbpf);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
