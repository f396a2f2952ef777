package org.greenspoof.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.greenspoof.Version;
import org.greenspoof.kernels.KernelProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints the runtime facts a benchmark or bug report needs: JVM, cores, kernel choice. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print the version, the JVM, the core count and which kernels run (vector or scalar, and why).")
final class VersionCommand implements Runnable {

    @Option(names = "--json", description = "Print one JSON object (version, java, vm, cores, kernels) instead of text.")
    boolean json;

    @Override
    public void run() {
        if (json) {
            ObjectNode o = Json.object();
            o.put("version", Version.text());
            o.put("java", Runtime.version().toString());
            o.put("vm", System.getProperty("java.vm.name"));
            o.put("cores", Runtime.getRuntime().availableProcessors());
            o.put("kernels", KernelProvider.reason());
            Json.print(o);
            return;
        }
        System.out.println(new VersionProvider().getVersion()[0]);
        System.out.println("java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")");
        System.out.println("cores " + Runtime.getRuntime().availableProcessors());
        System.out.println("kernels " + KernelProvider.reason());
    }
}
