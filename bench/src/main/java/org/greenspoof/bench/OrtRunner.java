package org.greenspoof.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.greenspoof.cli.BenchCommand;

/**
 * ONNX Runtime's side of tools/bench_compare.sh, through its Java API: times the exported model
 * on the same signal as {@code greenspoof bench} and prints the same JSON fields.
 * <pre>java -cp bench/target/benchmarks.jar org.greenspoof.bench.OrtRunner MODEL.onnx MAX_LAYER THREADS
 *     SECONDS[,SECONDS...] RUNS WARMUP</pre>
 */
public final class OrtRunner {

    private OrtRunner() {
    }

    public static void main(String[] args) throws OrtException, java.io.IOException {
        if (args.length != 6) {
            System.err.println("usage: OrtRunner MODEL.onnx MAX_LAYER THREADS SECONDS[,..] RUNS WARMUP");
            System.exit(2);
        }
        String model = args[0];
        int maxLayer = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        List<Double> seconds = new ArrayList<>();
        for (String s : args[3].split(",")) {
            seconds.add(Double.parseDouble(s));
        }
        int runs = Integer.parseInt(args[4]);
        int warmup = Integer.parseInt(args[5]);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode out = mapper.createArrayNode();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            long t0 = System.nanoTime();
            try (OrtSession session = env.createSession(model, opts)) {
                double loadS = (System.nanoTime() - t0) / 1e9;
                for (double sec : seconds) {
                    float[] audio = BenchCommand.signal((int) Math.round(sec * 16000));
                    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(audio), new long[] {1, audio.length})) {
                        Map<String, OnnxTensor> feed = Map.of("input", input);
                        for (int i = 0; i < warmup; i++) {
                            session.run(feed).close();
                        }
                        double[] times = new double[runs];
                        for (int i = 0; i < runs; i++) {
                            long s0 = System.nanoTime();
                            session.run(feed).close();
                            times[i] = (System.nanoTime() - s0) / 1e9;
                        }
                        Arrays.sort(times);
                        double med = runs % 2 == 1 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
                        ObjectNode o = out.addObject();
                        o.put("engine", "onnxruntime");
                        o.put("seconds", sec);
                        o.put("threads", threads);
                        o.put("max_layer", maxLayer);
                        o.put("median_s", med);
                        o.put("rtf", med / sec);
                        o.put("load_s", loadS);
                        o.put("version", env.getVersion());
                    }
                }
            }
        }
        System.out.println(mapper.writeValueAsString(out));
    }
}
