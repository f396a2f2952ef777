package org.greenspoof.cli;

import org.greenspoof.kernels.KernelProvider;
import picocli.CommandLine.Command;

/** Prints the runtime facts a benchmark or bug report needs: JVM, cores, kernel choice. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print the version, the JVM, the core count and which kernels run (vector or scalar, and why).")
final class VersionCommand implements Runnable {
    @Override
    public void run() {
        System.out.println(new VersionProvider().getVersion()[0]);
        System.out.println("java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")");
        System.out.println("cores " + Runtime.getRuntime().availableProcessors());
        System.out.println("kernels " + KernelProvider.reason());
    }
}
