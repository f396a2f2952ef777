package org.greenspoof.checkpoint;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.greenspoof.io.FileFormatException;

/**
 * A restricted reader of the pickle that {@code torch.save} writes as {@code data.pkl} (protocol 2,
 * plus the few protocol 4 opcodes a newer pickler may use). It understands exactly what a state
 * dict needs and refuses every other global, so a hostile checkpoint cannot make it do anything:
 * no Python callable is ever run; the allowed ones are recognised by name and rebuilt as plain data.
 *
 * <p>Results: {@code Map} for dicts and {@code OrderedDict}, {@link Tuple}, {@code List}, {@code String},
 * {@code Long}, {@code Double}, {@code Boolean}, null, {@link StorageRef} (a persistent-load storage
 * tuple) and {@link TensorRef} (from {@code torch._utils._rebuild_tensor_v2} / {@code _rebuild_parameter}).
 */
final class Unpickler {

    /** A Python tuple. */
    record Tuple(List<Object> items) {
    }

    /** A storage named by the persistent id {@code ('storage', torch.XStorage, key, location, numel)}. */
    record StorageRef(Dtype dtype, String key, long numel) {
    }

    /** A tensor view of a storage: element offset, sizes and strides (in elements). */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
    }

    /** An allowed global, recognised by name; never resolved to anything executable. */
    private record Global(String qualifiedName) {
    }

    private static final String ORDERED_DICT = "collections.OrderedDict";
    private static final String REBUILD_TENSOR = "torch._utils._rebuild_tensor_v2";
    private static final String REBUILD_PARAMETER = "torch._utils._rebuild_parameter";
    private static final Map<String, Dtype> STORAGES = Map.of(
            "torch.FloatStorage", Dtype.F32, "torch.HalfStorage", Dtype.F16, "torch.BFloat16Storage", Dtype.BF16,
            "torch.DoubleStorage", Dtype.F64, "torch.LongStorage", Dtype.I64);
    private static final Set<String> CALLABLE = Set.of(ORDERED_DICT, REBUILD_TENSOR, REBUILD_PARAMETER);
    /** What an error message lists as allowed. */
    /** Longest value quoted in an error: a pickled string may be megabytes long. */
    private static final int MAX_QUOTED = 80;
    static final String ALLOWED = "collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter, "
            + "torch.FloatStorage, torch.HalfStorage, torch.BFloat16Storage, torch.DoubleStorage, torch.LongStorage";

    private final Path file;
    private final byte[] b;
    private int pos;
    private final List<Object> stack = new ArrayList<>();
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private Unpickler(Path file, byte[] bytes) {
        this.file = file;
        this.b = bytes;
    }

    /**
     * Reads one pickle from {@code bytes}; {@code file} only names the source in errors.
     *
     * @throws FileFormatException on a malformed pickle, an unsupported opcode, or a refused global
     */
    static Object load(Path file, byte[] bytes) throws FileFormatException {
        return new Unpickler(file, bytes).run();
    }

    private Object run() throws FileFormatException {
        while (true) {
            int at = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto > 5) {
                        throw error(at, "pickle protocol <= 5, found " + proto);
                    }
                }
                case 0x95 -> skip(8); // FRAME: a length hint only
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw error(at, "exactly one value on the stack at STOP, found " + stack.size());
                    }
                    return stack.get(0);
                }
                case '(' -> marks.push(stack.size()); // MARK
                case '}' -> push(new LinkedHashMap<Object, Object>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<Object>()); // EMPTY_LIST
                case ')' -> push(new Tuple(List.of())); // EMPTY_TUPLE
                case 't' -> push(new Tuple(popToMark(at))); // TUPLE
                case 0x85, 0x86, 0x87 -> { // TUPLE1..3
                    int n = op - 0x84;
                    List<Object> items = new ArrayList<>(pop(at, n));
                    push(new Tuple(items));
                }
                case 'N' -> push(null); // NONE
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) (u8() | u8() << 8)); // BININT2
                case 'J' -> push((long) le(4).getInt()); // BININT
                case 0x8a -> push(long1(at)); // LONG1
                case 'G' -> push(bytes(8).order(ByteOrder.BIG_ENDIAN).getDouble()); // BINFLOAT
                case 'X' -> push(utf8(at, le(4).getInt() & 0xffffffffL)); // BINUNICODE
                case 0x8c -> push(utf8(at, u8())); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(at, le(8).getLong())); // BINUNICODE8
                case 'q' -> memo.put((long) u8(), top(at)); // BINPUT
                case 'r' -> memo.put(le(4).getInt() & 0xffffffffL, top(at)); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), top(at)); // MEMOIZE
                case 'h' -> push(memoGet(at, u8())); // BINGET
                case 'j' -> push(memoGet(at, le(4).getInt() & 0xffffffffL)); // LONG_BINGET
                case 'c' -> push(global(at, line(at) + "." + line(at))); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    List<Object> mn = pop(at, 2);
                    if (!(mn.get(0) instanceof String m) || !(mn.get(1) instanceof String n)) {
                        throw error(at, "two strings for STACK_GLOBAL");
                    }
                    push(global(at, m + "." + n));
                }
                case 'Q' -> push(persistentLoad(at, pop(at, 1).get(0))); // BINPERSID
                case 'R' -> { // REDUCE
                    List<Object> fa = pop(at, 2);
                    push(reduce(at, fa.get(0), fa.get(1)));
                }
                case 's' -> { // SETITEM
                    List<Object> kv = pop(at, 2);
                    dict(at, top(at)).put(key(at, kv.get(0)), kv.get(1));
                }
                case 'u' -> { // SETITEMS
                    List<Object> kv = popToMark(at);
                    if (kv.size() % 2 != 0) {
                        throw error(at, "key/value pairs for SETITEMS");
                    }
                    Map<Object, Object> d = dict(at, top(at));
                    for (int i = 0; i < kv.size(); i += 2) {
                        d.put(key(at, kv.get(i)), kv.get(i + 1));
                    }
                }
                case 'a' -> { // APPEND
                    Object item = pop(at, 1).get(0);
                    list(at, top(at)).add(item);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popToMark(at);
                    list(at, top(at)).addAll(items);
                }
                case 'b' -> { // BUILD: attributes of an OrderedDict (a state dict's _metadata) are not needed
                    pop(at, 1);
                    if (!(top(at) instanceof Map)) {
                        throw error(at, "BUILD only on a dict, found " + describe(top(at)));
                    }
                }
                default -> throw error(at, "a pickle opcode a state dict uses, found 0x" + Integer.toHexString(op)
                        + " ('" + (char) op + "')");
            }
        }
    }

    private Object global(int at, String name) throws FileFormatException {
        if (!CALLABLE.contains(name) && !STORAGES.containsKey(name)) {
            throw error(at, "only the globals a state dict needs (" + ALLOWED + "); refused global '" + name
                    + "' (nothing was executed)");
        }
        return new Global(name);
    }

    private Object reduce(int at, Object callable, Object args) throws FileFormatException {
        if (!(callable instanceof Global g) || !CALLABLE.contains(g.qualifiedName())) {
            throw error(at, "REDUCE of an allowed callable, found " + describe(callable));
        }
        if (!(args instanceof Tuple t)) {
            throw error(at, "an argument tuple for " + g.qualifiedName());
        }
        List<Object> a = t.items();
        switch (g.qualifiedName()) {
            case ORDERED_DICT -> {
                if (!a.isEmpty()) {
                    throw error(at, "OrderedDict() without arguments");
                }
                return new LinkedHashMap<Object, Object>();
            }
            case REBUILD_PARAMETER -> {
                if (a.size() != 3 || !(a.get(0) instanceof TensorRef tensor)) {
                    throw error(at, "_rebuild_parameter(tensor, requires_grad, hooks)");
                }
                return tensor;
            }
            default -> {
                // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if ((a.size() != 6 && a.size() != 7) || !(a.get(0) instanceof StorageRef s) || !(a.get(1) instanceof Long offset)) {
                    throw error(at, "_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)");
                }
                long[] size = longs(at, a.get(2), "size");
                long[] stride = longs(at, a.get(3), "stride");
                if (size.length != stride.length) {
                    throw error(at, "as many strides as sizes, found " + Arrays.toString(size) + " / " + Arrays.toString(stride));
                }
                return new TensorRef(s, offset, size, stride);
            }
        }
    }

    private Object persistentLoad(int at, Object pid) throws FileFormatException {
        if (pid instanceof Tuple t && t.items().size() == 5 && "storage".equals(t.items().get(0))
                && t.items().get(1) instanceof Global g && STORAGES.containsKey(g.qualifiedName())
                && t.items().get(2) instanceof String key && t.items().get(3) instanceof String
                && t.items().get(4) instanceof Long numel && numel >= 0) {
            return new StorageRef(STORAGES.get(g.qualifiedName()), key, numel);
        }
        throw error(at, "a persistent id ('storage', <storage class>, key, location, numel), found " + describe(pid));
    }

    private long[] longs(int at, Object o, String what) throws FileFormatException {
        if (o instanceof Tuple t) {
            long[] out = new long[t.items().size()];
            for (int i = 0; i < out.length; i++) {
                if (!(t.items().get(i) instanceof Long v) || v < 0) {
                    throw error(at, "a tuple of non-negative integers as " + what);
                }
                out[i] = v;
            }
            return out;
        }
        throw error(at, "a tuple as " + what + ", found " + describe(o));
    }

    /** Dict keys are scalars: containers are unhashable in Python, and a self-containing one would recurse here. */
    private Object key(int at, Object k) throws FileFormatException {
        if (k == null || k instanceof String || k instanceof Long || k instanceof Boolean || k instanceof Double) {
            return k;
        }
        throw error(at, "a string or number as dict key, found " + describe(k));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(int at, Object o) throws FileFormatException {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw error(at, "a dict, found " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(int at, Object o) throws FileFormatException {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw error(at, "a list, found " + describe(o));
    }

    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Global g) {
            return g.qualifiedName();
        }
        if (o instanceof Tuple) {
            return "a tuple";
        }
        if (o instanceof Map) {
            return "a dict";
        }
        if (o instanceof List) {
            return "a list";
        }
        if (o instanceof TensorRef) {
            return "a tensor";
        }
        if (o instanceof StorageRef) {
            return "a storage";
        }
        String value = String.valueOf(o);
        return "the " + o.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " "
                + (value.length() > MAX_QUOTED ? value.substring(0, MAX_QUOTED) + "..." : value);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object top(int at) throws FileFormatException {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.peek() == stack.size())) {
            throw error(at, "a value on the stack");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> pop(int at, int n) throws FileFormatException {
        int floor = marks.isEmpty() ? 0 : marks.peek();
        if (stack.size() - n < floor) {
            throw error(at, n + " value(s) on the stack");
        }
        List<Object> tail = stack.subList(stack.size() - n, stack.size());
        List<Object> out = new ArrayList<>(tail);
        tail.clear();
        return out;
    }

    private List<Object> popToMark(int at) throws FileFormatException {
        if (marks.isEmpty()) {
            throw error(at, "a MARK before this opcode");
        }
        int m = marks.pop();
        List<Object> tail = stack.subList(m, stack.size());
        List<Object> out = new ArrayList<>(tail);
        tail.clear();
        return out;
    }

    private Object memoGet(int at, long key) throws FileFormatException {
        if (!memo.containsKey(key)) {
            throw error(at, "memo entry " + key + " to be defined");
        }
        return memo.get(key);
    }

    private int u8() throws FileFormatException {
        if (pos >= b.length) {
            throw error(pos, "more pickle bytes (no STOP)");
        }
        return b[pos++] & 0xff;
    }

    private void skip(long n) throws FileFormatException {
        if (n < 0 || n > b.length - pos) {
            throw error(pos, n + " more pickle bytes");
        }
        pos += (int) n;
    }

    private ByteBuffer bytes(int n) throws FileFormatException {
        int at = pos;
        skip(n);
        return ByteBuffer.wrap(b, at, n);
    }

    private ByteBuffer le(int n) throws FileFormatException {
        return bytes(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private long long1(int at) throws FileFormatException {
        int n = u8();
        if (n > 8) {
            throw error(at, "an integer of at most 8 bytes, found LONG1 of " + n);
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (long) u8() << (8 * i);
        }
        if (n > 0 && n < 8 && (v >>> (8 * n - 1) & 1) == 1) {
            v |= -1L << (8 * n); // sign-extend two's complement
        }
        return v;
    }

    private String utf8(int at, long n) throws FileFormatException {
        if (n < 0 || n > b.length - pos) {
            throw error(at, "a string within the pickle, found a length of " + Long.toUnsignedString(n));
        }
        ByteBuffer s = bytes((int) n);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(s).toString();
        } catch (CharacterCodingException e) {
            throw error(at, "a UTF-8 string");
        }
    }

    private String line(int at) throws FileFormatException {
        int start = pos;
        while (pos < b.length && b[pos] != '\n') {
            pos++;
        }
        if (pos >= b.length) {
            throw error(at, "a newline-terminated GLOBAL name");
        }
        return new String(b, start, pos++ - start, StandardCharsets.UTF_8);
    }

    private FileFormatException error(long at, String expected) {
        return new FileFormatException(file, at, expected);
    }
}
