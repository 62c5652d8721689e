package io.github.ark4j.engine;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Reference;

/**
 * What the engine's oneDNN primitives share: the CPU engine, a stream per thread (oneDNN streams are not thread-safe;
 * a network's layers run on the caller's thread) and ND4J arrays seen as the plain {@code void*} data handles oneDNN
 * takes.
 */
final class OneDnn {
    static final engine CPU = new engine(engine.kind.cpu, 0);
    private static final ThreadLocal<stream> STREAM = ThreadLocal.withInitial(() -> new stream(CPU));

    private OneDnn() {
    }

    /** This thread's stream. */
    static stream stream() {
        return STREAM.get();
    }

    /** The address of a contiguous array's first element. */
    static Pointer address(INDArray a) {
        return at(a.data().address() + a.offset() * a.dataType().width());
    }

    /**
     * Keeps the arrays a primitive was handed by {@link #address} reachable until here, after the primitive has run: an
     * address does not hold its array, and an array the caller no longer uses (a contiguous copy made for the call) could
     * otherwise be collected and its memory freed while the primitive reads or writes it.
     */
    static void keepReachable(Object... arrays) {
        Reference.reachabilityFence(arrays);
    }

    /** A raw address as a JavaCPP pointer. */
    static Pointer at(long address) {
        return new Address(address);
    }

    private static final class Address extends Pointer {
        Address(long address) {
            this.address = address;
        }
    }
}
