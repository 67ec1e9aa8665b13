package io.synguard.fleet;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link Kv} on etcd through jetcd. A key with a ttl gets a lease only so that etcd collects it
 * after its time (expiry is decided by the record's own time, since etcd resets lease TTLs when its
 * leader changes): keys whose ttl ends in the same ten seconds share one lease. A listing is read
 * in pages at one revision.
 */
final class EtcdKv implements Kv {
    private static final long CALL_S = 2;
    private static final int PAGE = 5000;
    private static final long BUCKET_S = 10;

    private final Client client;
    private final InstantSource clock;
    /** Leases by the end of their ten seconds, in epoch seconds. */
    private final Map<Long, Long> leases = new ConcurrentHashMap<>();

    private EtcdKv(Client client, InstantSource clock) {
        this.client = client;
        this.clock = clock;
    }

    /** A client of the etcd members at endpoints (http://host:port); connects on first use. */
    static EtcdKv connect(List<String> endpoints, InstantSource clock) {
        return new EtcdKv(Client.builder().endpoints(endpoints.toArray(String[]::new)).retryMaxDelay(1000).build(),
                clock);
    }

    @Override
    public Listing list(String prefix) {
        List<Item> items = new ArrayList<>();
        ByteSequence end = ByteSequence.from(rangeEnd(bytes(prefix)));
        ByteSequence from = bs(prefix);
        long revision = 0;
        while (true) {
            GetOption.Builder option = GetOption.builder().withRange(end).withLimit(PAGE);
            if (revision != 0) {
                option.withRevision(revision);
            }
            GetResponse page = await(client.getKVClient().get(from, option.build()));
            revision = page.getHeader().getRevision();
            for (KeyValue kv : page.getKvs()) {
                items.add(new Item(text(kv.getKey()), kv.getValue().getBytes(), kv.getModRevision()));
            }
            if (!page.isMore() || page.getKvs().isEmpty()) {
                return new Listing(items, revision);
            }
            byte[] last = page.getKvs().getLast().getKey().getBytes();
            from = ByteSequence.from(Arrays.copyOf(last, last.length + 1));
        }
    }

    @Override
    public Outcome putIf(String key, byte[] value, long expected, Duration ttl) {
        ByteSequence k = bs(key);
        TxnResponse r = leased(client.getKVClient().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expected)))
                .Then(Op.put(k, ByteSequence.from(value), putOption(ttl)))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit());
        if (r.isSucceeded()) {
            return new Outcome(true, r.getHeader().getRevision(), null);
        }
        List<KeyValue> now = r.getGetResponses().getFirst().getKvs();
        return new Outcome(false, 0, now.isEmpty() ? null
                : new Item(key, now.getFirst().getValue().getBytes(), now.getFirst().getModRevision()));
    }

    @Override
    public long putAllIf(List<Put> puts) {
        Cmp[] compares = new Cmp[puts.size()];
        Op[] ops = new Op[puts.size()];
        for (int i = 0; i < puts.size(); i++) {
            Put p = puts.get(i);
            compares[i] = new Cmp(bs(p.key()), Cmp.Op.EQUAL, CmpTarget.modRevision(p.expected()));
            ops[i] = Op.put(bs(p.key()), ByteSequence.from(p.value()), putOption(p.ttl()));
        }
        TxnResponse r = leased(client.getKVClient().txn().If(compares).Then(ops).commit());
        return r.isSucceeded() ? r.getHeader().getRevision() : 0;
    }

    @Override
    public long put(String key, byte[] value, Duration ttl) {
        return leased(client.getKVClient().put(bs(key), ByteSequence.from(value), putOption(ttl))).getHeader()
                .getRevision();
    }

    @Override
    public AutoCloseable watch(String prefix, long fromRevision, Watcher watcher) {
        WatchOption option = WatchOption.builder().withRange(ByteSequence.from(rangeEnd(bytes(prefix))))
                .withRevision(fromRevision).build();
        Watch.Watcher w = client.getWatchClient().watch(bs(prefix), option, new Watch.Listener() {
            @Override
            public void onNext(WatchResponse response) {
                List<Event> events = new ArrayList<>();
                for (WatchEvent e : response.getEvents()) {
                    KeyValue kv = e.getKeyValue();
                    events.add(new Event(text(kv.getKey()),
                            e.getEventType() == WatchEvent.EventType.DELETE ? null : kv.getValue().getBytes(),
                            kv.getModRevision()));
                }
                if (!events.isEmpty()) {
                    watcher.events(events);
                }
            }

            @Override
            public void onError(Throwable cause) {
                if (cause instanceof CompactedException) {
                    watcher.compacted();
                } else {
                    watcher.failed(cause);
                }
            }

            @Override
            public void onCompleted() {
                watcher.failed(new IllegalStateException("etcd ended the watch"));
            }
        });
        return w::close;
    }

    @Override
    public void close() {
        client.close();
    }

    /** A put with a lease; a lease etcd no longer knows (it lost its data, say) is forgotten here too. */
    private <T> T leased(CompletableFuture<T> call) {
        try {
            return await(call);
        } catch (KvException e) {
            if (String.valueOf(e.getMessage()).contains("lease not found")) {
                leases.clear();
            }
            throw e;
        }
    }

    private PutOption putOption(Duration ttl) {
        if (ttl == null) {
            return PutOption.DEFAULT;
        }
        long nowS = clock.instant().getEpochSecond();
        long bucket = ((nowS + Math.max(1, ttl.toSeconds())) / BUCKET_S + 1) * BUCKET_S;
        long lease = leases.computeIfAbsent(bucket, b -> await(client.getLeaseClient().grant(b - nowS)).getID());
        leases.keySet().removeIf(b -> b <= nowS);
        return PutOption.builder().withLeaseId(lease).build();
    }

    private static <T> T await(CompletableFuture<T> call) {
        try {
            return call.get(CALL_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new KvException("etcd did not answer within " + CALL_S + " s", e);
        } catch (ExecutionException e) {
            throw new KvException(String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvException("interrupted", e);
        }
    }

    /** The first key after every key that starts with prefix. */
    private static byte[] rangeEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        end[end.length - 1]++;
        return end;
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(bytes(s));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}
