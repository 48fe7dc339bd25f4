package org.leafwalk.explore.subject;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;
import org.leafwalk.io.InvalidInputException;

/**
 * The engine's process-wide settings: offline, PyTorch as the default engine (both before DJL starts), the compute
 * threads, the devices and whether a GPU can be used.
 */
public final class EngineSetup {
    private EngineSetup() {}

    public static void ensure() {
        System.setProperty("ai.djl.offline", "true");
        // the tokenizers jar registers a second engine ("Rust"): the model arrays are PyTorch's
        if (System.getProperty("ai.djl.default_engine") == null) {
            System.setProperty("ai.djl.default_engine", "PyTorch");
        }
    }

    /**
     * Caps the intra-op threads the engine uses for work started from the calling thread (OpenMP's setting is
     * per thread). The window leaves one core to the JavaFX thread so it never starves while a walk runs.
     */
    public static void limitComputeThreads(int threads) {
        ensure();
        if (Engine.getInstance().getEngineName().equals("PyTorch")) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(Math.max(1, threads));
        }
    }

    private static volatile int defaultThreads;

    /**
     * The intra-op threads a thread that set none computes with: the engine's default, asked once on a fresh thread
     * (the setting is partly per thread, OpenMP's, and partly per process, the BLAS library's).
     */
    public static int defaultComputeThreads() {
        if (defaultThreads == 0) {
            int[] n = new int[1];
            Thread t = new Thread(() -> {
                ensure();
                n[0] = Engine.getInstance().getEngineName().equals("PyTorch")
                        ? ai.djl.pytorch.jni.JniUtils.getNumThreads() : Runtime.getRuntime().availableProcessors();
            }, "leafwalk-engine-threads");
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            defaultThreads = Math.max(1, n[0]);
        }
        return defaultThreads;
    }

    /** The GPU's name as nvidia-smi reports it ("GPU n" when it cannot be asked). */
    public static String gpuName(int id) {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i",
                    Integer.toString(id)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor() == 0 && !out.isEmpty() && !out.contains("\n")) {
                return "GPU " + id + ": " + out;
            }
        } catch (java.io.IOException e) {
            // no nvidia-smi
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "GPU " + id;
    }

    /** Whether the engine can use a GPU: one is visible and the loaded native library is a CUDA build. */
    public static boolean gpuAvailable() {
        ensure();
        try {
            return gpuCount() > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** GPUs the loaded native library can use (0 with a CPU library, even beside an NVIDIA driver). */
    static int gpuCount() {
        Engine engine = Engine.getInstance();
        return engine.hasCapability(ai.djl.engine.StandardCapabilities.CUDA) ? engine.getGpuCount() : 0;
    }

    /** Loads the engine and its native library now (a no-op once loaded); failures surface on first use. */
    public static void warmUp() {
        ensure();
        try {
            try (var m = ai.djl.ndarray.NDManager.newBaseManager()) { // the engine loads here
                m.ones(new ai.djl.ndarray.types.Shape(2, 2)).matMul(m.ones(new ai.djl.ndarray.types.Shape(2, 2)));
            }
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            // reported when the model is opened
        }
    }

    /** Whether a CUDA build of the PyTorch native library is on the class path (the -Pgpu build). */
    static boolean cudaLibraryBundled() {
        try {
            var urls = EngineSetup.class.getClassLoader().getResources("native/lib/pytorch.properties");
            while (urls.hasMoreElements()) {
                try (var in = urls.nextElement().openStream()) {
                    var p = new java.util.Properties();
                    p.load(in);
                    String flavor = p.getProperty("flavor", p.getProperty("classifier", ""));
                    if (flavor.startsWith("cu")) {
                        return true;
                    }
                }
            }
        } catch (java.io.IOException e) {
            return false;
        }
        return false;
    }

    /** The device {@code choice} (auto, cpu, gpu) stands for, in words: "CPU" or the GPU's name. */
    public static String deviceName(String choice) {
        Device d = device(choice);
        return d.isGpu() ? gpuName(d.getDeviceId()) : "CPU";
    }

    /** This process's resident memory in MiB (Linux /proc; -1 elsewhere). */
    public static double residentMiB() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Double.parseDouble(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** Leafwalk's version as its jar says ("dev" when run from classes). */
    public static String version() {
        String v = EngineSetup.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    public static Device device(String choice) {
        ensure();
        String c = choice == null ? "auto" : choice.toLowerCase(Locale.ROOT);
        int gpus = gpuCount();
        return switch (c) {
            case "auto" -> gpus > 0 ? Device.gpu() : Device.cpu();
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new InvalidInputException("--device gpu: no GPU is visible to the PyTorch engine ("
                            + (cudaLibraryBundled()
                                    ? "this GPU build found no NVIDIA GPU through the CUDA runtime: it needs an "
                                            + "NVIDIA driver and libcudart 12 on the library path"
                                    : "this build carries the CPU native library only; build with mvn -Pgpu")
                            + ")");
                }
                yield Device.gpu();
            }
            default -> throw new InvalidInputException("unknown device '" + choice + "' (auto, cpu, gpu)");
        };
    }
}
