package io.synguard.flowspec;

import apipb.Attribute;
import apipb.Gobgp;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.synguard.net.Family;
import io.synguard.net.Prefix;

import java.util.List;

/**
 * A {@link FlowRule} as gobgpd's API carries a FlowSpec path (RFC 8955 components in gobgpd's
 * messages), and back. Reading back is strict: a path of another shape is no rule of this host's.
 */
final class PathCodec {
    /** Component types of RFC 8955, section 4.2.2. */
    static final int DESTINATION = 1;
    static final int SOURCE = 2;
    static final int PROTOCOL = 3;
    static final int TCP_FLAGS = 9;
    /** Operator bits (RFC 8955, 4.2.1): end of list; and; not; match; the length bits a speaker adds. */
    private static final int END = 0x80;
    private static final int AND = 0x40;
    private static final int NOT = 0x02;
    private static final int EQUAL_OR_MATCH = 0x01;
    private static final int LENGTH_BITS = 0x30;
    private static final int TCP = 6;
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    /** protocol == tcp. */
    private static final List<Item> TCP_ONLY = List.of(new Item(END | EQUAL_OR_MATCH, TCP));
    /** (flags & SYN) == SYN, and not (flags & ACK) == ACK. */
    private static final List<Item> SYN_NOT_ACK = List.of(new Item(EQUAL_OR_MATCH, SYN),
            new Item(END | AND | NOT | EQUAL_OR_MATCH, ACK));
    private static final int ORIGIN_IGP = 0;

    private final int community;

    /** @param community the standard community (ASN << 16 | value) that marks this host's paths */
    PathCodec(int community) {
        this.community = community;
    }

    static Gobgp.Family family(Family f) {
        return Gobgp.Family.newBuilder().setAfi(f == Family.V4 ? Gobgp.Family.Afi.AFI_IP : Gobgp.Family.Afi.AFI_IP6)
                .setSafi(Gobgp.Family.Safi.SAFI_FLOW_SPEC_UNICAST).build();
    }

    Gobgp.Path path(FlowRule r) {
        Attribute.FlowSpecNLRI.Builder nlri = Attribute.FlowSpecNLRI.newBuilder();
        if (r.destination() != null) {
            nlri.addRules(Any.pack(prefix(DESTINATION, r.destination())));
        }
        nlri.addRules(Any.pack(prefix(SOURCE, r.source())))
                .addRules(Any.pack(component(PROTOCOL, TCP_ONLY)))
                .addRules(Any.pack(component(TCP_FLAGS, SYN_NOT_ACK)));
        Attribute.TrafficRateExtended rate = Attribute.TrafficRateExtended.newBuilder()
                .setRate(r.action().bytesPerSecond()).build();
        return Gobgp.Path.newBuilder().setFamily(family(r.source().family())).setNlri(Any.pack(nlri.build()))
                .addPattrs(Any.pack(Attribute.OriginAttribute.newBuilder().setOrigin(ORIGIN_IGP).build()))
                // FlowSpec forwards nothing, but gobgpd wants a next hop: none, as its CLI gives
                .addPattrs(Any.pack(Attribute.NextHopAttribute.newBuilder()
                        .setNextHop(r.source().family() == Family.V4 ? "0.0.0.0" : "::").build()))
                .addPattrs(Any.pack(Attribute.ExtendedCommunitiesAttribute.newBuilder()
                        .addCommunities(Any.pack(rate)).build()))
                .addPattrs(Any.pack(Attribute.CommunitiesAttribute.newBuilder().addCommunities(community).build()))
                .build();
    }

    /** Whether a path carries this host's community. */
    boolean ours(Gobgp.Path path) {
        for (Any a : path.getPattrsList()) {
            if (a.is(Attribute.CommunitiesAttribute.class)
                    && unpack(a, Attribute.CommunitiesAttribute.class).getCommunitiesList().contains(community)) {
                return true;
            }
        }
        return false;
    }

    /** The rule a path says, or null when it is not of the shape {@link #path} makes. */
    FlowRule rule(Gobgp.Path path) {
        if (!path.getNlri().is(Attribute.FlowSpecNLRI.class)) {
            return null;
        }
        Prefix source = null;
        Prefix destination = null;
        boolean tcp = false;
        boolean synNotAck = false;
        for (Any a : unpack(path.getNlri(), Attribute.FlowSpecNLRI.class).getRulesList()) {
            if (a.is(Attribute.FlowSpecIPPrefix.class)) {
                Attribute.FlowSpecIPPrefix p = unpack(a, Attribute.FlowSpecIPPrefix.class);
                Prefix parsed = p.getOffset() == 0 ? parse(p) : null;
                if (parsed == null || (p.getType() != SOURCE && p.getType() != DESTINATION)) {
                    return null;
                }
                if (p.getType() == SOURCE) {
                    source = parsed;
                } else {
                    destination = parsed;
                }
            } else if (a.is(Attribute.FlowSpecComponent.class)) {
                Attribute.FlowSpecComponent c = unpack(a, Attribute.FlowSpecComponent.class);
                List<Item> items = c.getItemsList().stream()
                        .map(i -> new Item(i.getOp() & ~LENGTH_BITS, i.getValue())).toList();
                if (c.getType() == PROTOCOL && items.equals(TCP_ONLY)) {
                    tcp = true;
                } else if (c.getType() == TCP_FLAGS && items.equals(SYN_NOT_ACK)) {
                    synNotAck = true;
                } else {
                    return null;
                }
            } else {
                return null;
            }
        }
        Action action = action(path);
        if (source == null || !tcp || !synNotAck || action == null
                || (destination != null && destination.family() != source.family())) {
            return null;
        }
        return new FlowRule(source, destination, action);
    }

    private static Action action(Gobgp.Path path) {
        Action found = null;
        for (Any a : path.getPattrsList()) {
            if (!a.is(Attribute.ExtendedCommunitiesAttribute.class)) {
                continue;
            }
            for (Any c : unpack(a, Attribute.ExtendedCommunitiesAttribute.class).getCommunitiesList()) {
                if (!c.is(Attribute.TrafficRateExtended.class)) {
                    return null;
                }
                float rate = unpack(c, Attribute.TrafficRateExtended.class).getRate();
                if (found != null || rate < 0 || rate != Math.rint(rate)) {
                    return null;
                }
                found = new Action((long) rate);
            }
        }
        return found;
    }

    private static Attribute.FlowSpecIPPrefix prefix(int type, Prefix p) {
        return Attribute.FlowSpecIPPrefix.newBuilder().setType(type).setPrefixLen(p.length())
                .setPrefix(p.addressText()).build();
    }

    private static Attribute.FlowSpecComponent component(int type, List<Item> items) {
        Attribute.FlowSpecComponent.Builder c = Attribute.FlowSpecComponent.newBuilder().setType(type);
        items.forEach(i -> c.addItems(Attribute.FlowSpecComponentItem.newBuilder().setOp(i.op()).setValue(i.value())));
        return c.build();
    }

    private static Prefix parse(Attribute.FlowSpecIPPrefix p) {
        try {
            return Prefix.parse(p.getPrefix() + "/" + p.getPrefixLen());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static <T extends com.google.protobuf.Message> T unpack(Any a, Class<T> type) {
        try {
            return a.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("gobgpd sent a " + a.getTypeUrl() + " that does not parse", e);
        }
    }

    /** One operator and value of a numeric or bitmask component. */
    private record Item(int op, long value) {}
}
