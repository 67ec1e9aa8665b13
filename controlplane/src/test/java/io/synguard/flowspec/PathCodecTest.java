package io.synguard.flowspec;

import apipb.Attribute;
import apipb.Gobgp;
import com.google.protobuf.Any;
import io.synguard.net.Prefix;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rule as gobgpd's messages carry it, and back; a path of any other shape reads as no rule of ours. */
class PathCodecTest {
    static final int COMMUNITY = 64512 << 16 | 5180;
    private final PathCodec codec = new PathCodec(COMMUNITY);

    @Test
    void aRuleMatchesSourceDestinationTcpAndSynWithoutAck() throws Exception {
        Gobgp.Path p = codec.path(new FlowRule(Prefix.parse("198.18.5.0/24"), Prefix.parse("198.19.0.0/16"),
                Action.DISCARD));
        assertEquals(Gobgp.Family.Afi.AFI_IP, p.getFamily().getAfi());
        assertEquals(Gobgp.Family.Safi.SAFI_FLOW_SPEC_UNICAST, p.getFamily().getSafi());
        var rules = p.getNlri().unpack(Attribute.FlowSpecNLRI.class).getRulesList();
        assertEquals(4, rules.size());
        Attribute.FlowSpecIPPrefix dst = rules.get(0).unpack(Attribute.FlowSpecIPPrefix.class);
        Attribute.FlowSpecIPPrefix src = rules.get(1).unpack(Attribute.FlowSpecIPPrefix.class);
        assertEquals("1 198.19.0.0/16 2 198.18.5.0/24", dst.getType() + " " + dst.getPrefix() + "/" + dst.getPrefixLen()
                + " " + src.getType() + " " + src.getPrefix() + "/" + src.getPrefixLen());
        // what gobgp's CLI makes of "protocol tcp tcp-flags =S&!=A": ==6 (end); =SYN, then and-not =ACK (end)
        assertEquals("3:129=6", items(rules.get(2)));
        assertEquals("9:1=2,195=16", items(rules.get(3)));
        assertTrue(codec.ours(p));
    }

    @Test
    void readsBackWhatItWrites() {
        for (FlowRule r : new FlowRule[] {
                new FlowRule(Prefix.parse("198.18.5.0/24"), Prefix.parse("198.19.0.0/16"), Action.DISCARD),
                new FlowRule(Prefix.parse("198.18.5.7/32"), null, new Action(125_000)),
                new FlowRule(Prefix.parse("2001:2:0:1::/64"), Prefix.parse("2001:2:ff::/48"), Action.DISCARD)}) {
            assertEquals(r, codec.rule(codec.path(r)), r.toString());
        }
    }

    @Test
    void lengthBitsASpeakerAddsAreIgnored() {
        Gobgp.Path p = codec.path(new FlowRule(Prefix.parse("198.18.5.0/24"), null, Action.DISCARD));
        Gobgp.Path withLength = withComponent(p, 1, Attribute.FlowSpecComponent.newBuilder().setType(3)
                .addItems(Attribute.FlowSpecComponentItem.newBuilder().setOp(0x81 | 0x10).setValue(6)).build());
        assertEquals(codec.rule(p), codec.rule(withLength));
    }

    @Test
    void anotherShapeIsNoRuleOfOurs() {
        Gobgp.Path p = codec.path(new FlowRule(Prefix.parse("198.18.5.0/24"), null, Action.DISCARD));
        // udp instead of tcp
        assertNull(codec.rule(withComponent(p, 1, Attribute.FlowSpecComponent.newBuilder().setType(3)
                .addItems(Attribute.FlowSpecComponentItem.newBuilder().setOp(0x81).setValue(17)).build())));
        // a destination port added
        Gobgp.Path port = p.toBuilder().setNlri(Any.pack(Attribute.FlowSpecNLRI.newBuilder()
                .addAllRules(unpackRules(p)).addRules(Any.pack(Attribute.FlowSpecComponent.newBuilder().setType(5)
                        .addItems(Attribute.FlowSpecComponentItem.newBuilder().setOp(0x81).setValue(80)).build()))
                .build())).build();
        assertNull(codec.rule(port));
        // no action
        assertNull(codec.rule(p.toBuilder().clearPattrs().build()));
    }

    @Test
    void anotherCommunityIsNotOurs() {
        Gobgp.Path p = new PathCodec(64512 << 16 | 1).path(new FlowRule(Prefix.parse("198.18.5.0/24"), null,
                Action.DISCARD));
        assertFalse(codec.ours(p));
    }

    private static java.util.List<Any> unpackRules(Gobgp.Path p) {
        try {
            return p.getNlri().unpack(Attribute.FlowSpecNLRI.class).getRulesList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Gobgp.Path withComponent(Gobgp.Path p, int index, Attribute.FlowSpecComponent c) {
        java.util.List<Any> rules = new java.util.ArrayList<>(unpackRules(p));
        rules.set(index, Any.pack(c));
        return p.toBuilder().setNlri(Any.pack(Attribute.FlowSpecNLRI.newBuilder().addAllRules(rules).build())).build();
    }

    private static String items(Any rule) throws Exception {
        Attribute.FlowSpecComponent c = rule.unpack(Attribute.FlowSpecComponent.class);
        StringBuilder s = new StringBuilder(c.getType() + ":");
        c.getItemsList().forEach(i -> s.append(s.charAt(s.length() - 1) == ':' ? "" : ",")
                .append(i.getOp()).append('=').append(i.getValue()));
        return s.toString();
    }
}
