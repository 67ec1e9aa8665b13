package io.synguard.dataplane;

/** The running kernel's version, as {@code uname -r} tells it. */
record KernelVersion(int major, int minor) {
    static KernelVersion running() {
        return parse(System.getProperty("os.version", "0.0"));
    }

    static KernelVersion parse(String release) {
        String[] parts = release.split("[.-]", 3);
        try {
            return new KernelVersion(Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
        } catch (NumberFormatException e) {
            return new KernelVersion(0, 0);
        }
    }

    boolean atLeast(int major, int minor) {
        return this.major > major || (this.major == major && this.minor >= minor);
    }
}
