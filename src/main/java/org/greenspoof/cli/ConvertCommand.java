package org.greenspoof.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.greenspoof.checkpoint.Checkpoint;
import org.greenspoof.checkpoint.TorchConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code greenspoof convert}: PyTorch {@code pytorch_model.bin} to {@code model.safetensors}, without Python. */
@Command(name = "convert", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Convert a PyTorch checkpoint (torch.save zip format, torch >= 1.6) into a float32 safetensors file.",
            "Only tensors, storages and ordered dicts are accepted in the pickle; any other global is refused and nothing is executed."})
final class ConvertCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "INPUT",
            description = "pytorch_model.bin (a state dict saved by torch.save), or pytorch_model.bin.index.json of a sharded one")
    Path input;

    @Parameters(index = "1", arity = "0..1", paramLabel = "OUTPUT",
            description = "the safetensors file to write (default: model.safetensors beside INPUT)")
    Path output;

    @Option(names = "--force", description = "overwrite OUTPUT if it exists")
    boolean force;

    @Override
    public Integer call() throws Exception {
        Path out = output != null ? output : input.toAbsolutePath().resolveSibling("model.safetensors");
        if (Files.exists(out) && !force) {
            throw new IllegalArgumentException(out + " exists; pass --force to overwrite it");
        }
        Outputs.checkFile("OUTPUT", out);
        TorchConverter.Result r = TorchConverter.convert(input, out);
        String dtypes = r.sourceDtypes().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
        System.out.printf("wrote %s: %d tensors (%s in the source), %,d values, as F32%n", out, r.tensors(), dtypes, r.parameters());
        System.out.println("sha256 " + Checkpoint.sha256(out));
        return 0;
    }
}
