package io.fleetplan.mocker.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CudaProbeTest {

    @Test
    void withoutAGpuTheProbeSaysNoCudaDeviceAndCanBeAskedAgain() {
        CudaProbe.Result first = CudaProbe.probe();
        if (first.available()) {
            System.out.println(
                    "CudaProbeTest: a CUDA device is present (" + first.message() + "); no-GPU path not exercised");
            Assumptions.abort("a CUDA device is present: " + first.message());
        }
        assertThat(first.message()).startsWith("no CUDA device");
        assertThat(first.deviceCount()).isZero();
        // a second probe must not touch cudart again (it would throw NoClassDefFoundError)
        assertThat(CudaProbe.probe()).isSameAs(first);
    }

    @Test
    void withAGpuTheProbeReportsDevicesAndCopyBandwidth() {
        CudaProbe.Result r = CudaProbe.probe();
        if (!r.available()) {
            System.out.println("CudaProbeTest: skipping GPU path: " + r.message());
        }
        Assumptions.assumeTrue(r.available(), () -> "no GPU here: " + r.message());
        assertThat(r.deviceCount()).isPositive();
        assertThat(r.devices()).hasSize(r.deviceCount());
        assertThat(r.h2dGbps()).isPositive();
    }

    /** A launcher built without -Pcuda has no JavaCPP classes: the probe says how to add them. */
    @Test
    void withoutTheOptionalBindingsTheProbeSaysHowToAddThem() {
        ClassLoader withoutJavaCpp = new ClassLoader(CudaProbe.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("org.bytedeco.")) {
                    throw new ClassNotFoundException(name);
                }
                return super.loadClass(name, resolve);
            }
        };
        CudaProbe.Result r = CudaProbe.probeOnce(withoutJavaCpp);
        assertThat(r.available()).isFalse();
        assertThat(r.message()).contains("no CUDA probe in this build", "-Pcuda");
    }
}
