package io.synguard.dataplane;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.Cpus;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * The victim table ({@code sg_victims}): every CPU's slots, each held by one destination (a local
 * address and port) with its SYNs since it took the slot, and the SYNs to other destinations that
 * found it held. See {@code struct sg_victim} for how a slot changes hands.
 */
public final class VictimTable {
    private static final long ADDR = Abi.offset(Abi.VICTIM, "addr");
    private static final long PORT = Abi.offset(Abi.VICTIM, "port");
    private static final VarHandle TAKES = Abi.field(Abi.VICTIM, "takes");
    private static final VarHandle SYNS = Abi.field(Abi.VICTIM, "syns");
    private static final VarHandle OTHERS = Abi.field(Abi.VICTIM, "others");
    /** Half an address, and the port, in network byte order. */
    private static final ValueLayout.OfLong HALF = JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final BpfMap map;

    VictimTable(BpfMap map) {
        this.map = map;
    }

    /** Every slot of every CPU that was ever taken, in one batch read. */
    public List<Slot> read() {
        int slots = map.info().maxEntries();
        List<Slot> taken = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(4L * slots, 8);
            MemorySegment values = arena.allocate(map.valueBufferSize() * slots, 8);
            int cpus = Cpus.possible();
            map.lookupAll(keys, values, slots, count -> {
                for (int i = 0; i < count; i++) {
                    int index = keys.get(JAVA_INT, 4L * i);
                    for (int cpu = 0; cpu < cpus; cpu++) {
                        long v = i * map.valueBufferSize() + cpu * map.valueSlot();
                        int takes = (int) TAKES.get(values, v);
                        if (takes != 0) {
                            taken.add(new Slot(cpu, index,
                                    AddressCounts.address(values.get(HALF, v + ADDR), values.get(HALF, v + ADDR + 8)),
                                    Short.toUnsignedInt(values.get(NET_SHORT, v + PORT)), takes,
                                    (long) SYNS.get(values, v), (long) OTHERS.get(values, v)));
                        }
                    }
                }
            });
        }
        return taken;
    }

    /**
     * @param cpu     the CPU whose table it is
     * @param index   the slot's index in it
     * @param address the destination holding it
     * @param port    its port
     * @param takes   how many times the slot changed hands (wraps): a change says the count restarted
     * @param syns    SYNs to the holder since it took the slot
     * @param others  SYNs to other destinations that found the slot held, ever
     */
    public record Slot(int cpu, int index, InetAddress address, int port, int takes, long syns, long others) {}
}
