// Copyright (c) mlox.stack contributors
// GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
// SPDX-License-Identifier: GPL-3.0-or-later

package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// fakeNvidiaSmi writes a program that checks its arguments, prints `answer` and exits with `rc`.
func fakeNvidiaSmi(t *testing.T, answerFile string, rc int) string {
	t.Helper()
	dir := t.TempDir()
	program := filepath.Join(dir, "nvidia-smi")
	script := "#!/bin/sh\n" +
		"[ \"$*\" = '" + strings.Join(QueryArgs, " ") + "' ] || { echo \"unexpected arguments: $*\"; exit 2; }\n" +
		"cat '" + answerFile + "'\n" +
		"exit " + string(rune('0'+rc)) + "\n"
	if err := os.WriteFile(program, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return program
}

func testdata(t *testing.T, name string) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func collect(t *testing.T, program string, expected string, names ...string) {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	collector := NewCollector(program, 5*time.Second, logger)
	if err := testutil.CollectAndCompare(collector, strings.NewReader(expected), names...); err != nil {
		t.Fatal(err)
	}
}

const help = `# HELP nvidia_smi_up 1 when nvidia-smi answered, else 0.
# TYPE nvidia_smi_up gauge
`

func TestDatacenterNode(t *testing.T) {
	program := fakeNvidiaSmi(t, testdata(t, "datacenter.csv"), 0)
	collect(t, program, help+`nvidia_smi_up 1
# HELP nvidia_smi_gpu_info A GPU and its driver version (value 1).
# TYPE nvidia_smi_gpu_info gauge
nvidia_smi_gpu_info{driver_version="535.161.08",index="0",name="NVIDIA H100 80GB HBM3",uuid="GPU-2f6b3c1e-7d0a-4e55-9a1b-3c8d2e9f4a10"} 1
nvidia_smi_gpu_info{driver_version="535.161.08",index="1",name="NVIDIA H100 80GB HBM3",uuid="GPU-8a41d0c7-1e9b-4f6c-b2d3-5e7a9c0f1b24"} 1
# HELP nvidia_smi_memory_used_bytes Memory in use in bytes.
# TYPE nvidia_smi_memory_used_bytes gauge
nvidia_smi_memory_used_bytes{index="0",name="NVIDIA H100 80GB HBM3",uuid="GPU-2f6b3c1e-7d0a-4e55-9a1b-3c8d2e9f4a10"} 5.36870912e+08
nvidia_smi_memory_used_bytes{index="1",name="NVIDIA H100 80GB HBM3",uuid="GPU-8a41d0c7-1e9b-4f6c-b2d3-5e7a9c0f1b24"} 7.7815873536e+10
# HELP nvidia_smi_utilization_gpu_ratio Share of the last sample period in which a kernel ran (0-1).
# TYPE nvidia_smi_utilization_gpu_ratio gauge
nvidia_smi_utilization_gpu_ratio{index="0",name="NVIDIA H100 80GB HBM3",uuid="GPU-2f6b3c1e-7d0a-4e55-9a1b-3c8d2e9f4a10"} 0
nvidia_smi_utilization_gpu_ratio{index="1",name="NVIDIA H100 80GB HBM3",uuid="GPU-8a41d0c7-1e9b-4f6c-b2d3-5e7a9c0f1b24"} 0.97
# HELP nvidia_smi_ecc_errors_corrected_volatile_total Corrected ECC errors since the driver loaded.
# TYPE nvidia_smi_ecc_errors_corrected_volatile_total gauge
nvidia_smi_ecc_errors_corrected_volatile_total{index="0",name="NVIDIA H100 80GB HBM3",uuid="GPU-2f6b3c1e-7d0a-4e55-9a1b-3c8d2e9f4a10"} 0
nvidia_smi_ecc_errors_corrected_volatile_total{index="1",name="NVIDIA H100 80GB HBM3",uuid="GPU-8a41d0c7-1e9b-4f6c-b2d3-5e7a9c0f1b24"} 17
# HELP nvidia_smi_power_draw_watts Power draw in watts.
# TYPE nvidia_smi_power_draw_watts gauge
nvidia_smi_power_draw_watts{index="0",name="NVIDIA H100 80GB HBM3",uuid="GPU-2f6b3c1e-7d0a-4e55-9a1b-3c8d2e9f4a10"} 71.2
nvidia_smi_power_draw_watts{index="1",name="NVIDIA H100 80GB HBM3",uuid="GPU-8a41d0c7-1e9b-4f6c-b2d3-5e7a9c0f1b24"} 612.48
`, "nvidia_smi_up", "nvidia_smi_gpu_info", "nvidia_smi_memory_used_bytes", "nvidia_smi_utilization_gpu_ratio",
		"nvidia_smi_ecc_errors_corrected_volatile_total", "nvidia_smi_power_draw_watts")
}

// A consumer GPU reports no ECC counters: those series are left out, the others are there.
func TestConsumerGpuWithoutEcc(t *testing.T) {
	program := fakeNvidiaSmi(t, testdata(t, "consumer.csv"), 0)
	labels := `{index="0",name="NVIDIA GeForce RTX 4090",uuid="GPU-6f1c2e8a-3b4d-9c7e-5a2f-0d8b1e4c7a93"}`
	collect(t, program, help+`nvidia_smi_up 1
# HELP nvidia_smi_temperature_gpu Core temperature in degrees Celsius.
# TYPE nvidia_smi_temperature_gpu gauge
nvidia_smi_temperature_gpu`+labels+` 41
# HELP nvidia_smi_memory_total_bytes Total memory in bytes.
# TYPE nvidia_smi_memory_total_bytes gauge
nvidia_smi_memory_total_bytes`+labels+` 2.5757220864e+10
`, "nvidia_smi_up", "nvidia_smi_temperature_gpu", "nvidia_smi_memory_total_bytes",
		"nvidia_smi_ecc_errors_uncorrected_volatile_total", "nvidia_smi_ecc_errors_corrected_volatile_total")
}

func TestNoDriver(t *testing.T) {
	answer := filepath.Join(t.TempDir(), "answer")
	message := "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"
	if err := os.WriteFile(answer, []byte(message), 0o644); err != nil {
		t.Fatal(err)
	}
	program := fakeNvidiaSmi(t, answer, 9)
	collect(t, program, help+"nvidia_smi_up 0\n")
	if n := testutil.CollectAndCount(NewCollector(program, time.Second, slog.New(slog.NewTextHandler(io.Discard, nil)))); n != 1 {
		t.Fatalf("%d metrics without a driver, want only nvidia_smi_up", n)
	}
}

func TestNoNvidiaSmi(t *testing.T) {
	collect(t, filepath.Join(t.TempDir(), "nvidia-smi"), help+"nvidia_smi_up 0\n")
}

func TestParseQueryRejectsOtherColumns(t *testing.T) {
	if _, err := ParseQuery(strings.NewReader("0, NVIDIA H100 80GB HBM3, GPU-x\n")); err == nil {
		t.Fatal("an answer with 3 columns was accepted")
	}
}
