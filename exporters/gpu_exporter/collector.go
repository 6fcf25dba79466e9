// Copyright (c) mlox.stack contributors
// GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
// SPDX-License-Identifier: GPL-3.0-or-later

package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The fields asked of nvidia-smi, in the order of its answer's columns.
var queryFields = []string{
	"index", "name", "uuid", "driver_version", "temperature.gpu",
	"ecc.errors.uncorrected.volatile.total", "ecc.errors.corrected.volatile.total",
	"memory.total", "memory.used", "utilization.gpu", "power.draw",
}

// QueryArgs are the arguments that the collector gives nvidia-smi.
var QueryArgs = []string{"--query-gpu=" + strings.Join(queryFields, ","), "--format=csv,noheader,nounits"}

const mebibyte = 1024 * 1024

var (
	gpuLabels = []string{"index", "uuid", "name"}
	upDesc    = prometheus.NewDesc("nvidia_smi_up", "1 when nvidia-smi answered, else 0.", nil, nil)
	infoDesc  = prometheus.NewDesc("nvidia_smi_gpu_info", "A GPU and its driver version (value 1).",
		append(gpuLabels, "driver_version"), nil)
	// Gauges per GPU: the column they come from, and the factor to the metric's unit.
	gauges = []struct {
		desc   *prometheus.Desc
		column string
		factor float64
	}{
		{gpuDesc("temperature_gpu", "Core temperature in degrees Celsius."), "temperature.gpu", 1},
		{gpuDesc("ecc_errors_uncorrected_volatile_total", "Uncorrected ECC errors since the driver loaded."),
			"ecc.errors.uncorrected.volatile.total", 1},
		{gpuDesc("ecc_errors_corrected_volatile_total", "Corrected ECC errors since the driver loaded."),
			"ecc.errors.corrected.volatile.total", 1},
		{gpuDesc("memory_total_bytes", "Total memory in bytes."), "memory.total", mebibyte},
		{gpuDesc("memory_used_bytes", "Memory in use in bytes."), "memory.used", mebibyte},
		{gpuDesc("utilization_gpu_ratio", "Share of the last sample period in which a kernel ran (0-1)."),
			"utilization.gpu", 0.01},
		{gpuDesc("power_draw_watts", "Power draw in watts."), "power.draw", 1},
	}
)

func gpuDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("nvidia_smi_"+name, help, gpuLabels, nil)
}

// GPU is one row of nvidia-smi's answer, by field name.
type GPU map[string]string

// ParseQuery reads nvidia-smi's CSV answer (noheader, nounits).
func ParseQuery(answer io.Reader) ([]GPU, error) {
	reader := csv.NewReader(answer)
	reader.TrimLeadingSpace = true
	reader.FieldsPerRecord = len(queryFields)
	rows, err := reader.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("unexpected nvidia-smi answer: %w", err)
	}
	gpus := make([]GPU, 0, len(rows))
	for _, row := range rows {
		gpu := GPU{}
		for i, field := range queryFields {
			gpu[field] = strings.TrimSpace(row[i])
		}
		gpus = append(gpus, gpu)
	}
	return gpus, nil
}

// number is a cell's value, or false for "[N/A]", "[Not Supported]" and other words.
func number(cell string) (float64, bool) {
	value, err := strconv.ParseFloat(cell, 64)
	return value, err == nil
}

// Collector runs nvidia-smi on every scrape.
type Collector struct {
	program string
	timeout time.Duration
	logger  *slog.Logger
}

// NewCollector returns a collector that runs `program` with QueryArgs.
func NewCollector(program string, timeout time.Duration, logger *slog.Logger) *Collector {
	return &Collector{program: program, timeout: timeout, logger: logger}
}

// Describe sends the descriptions of every metric.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- upDesc
	ch <- infoDesc
	for _, gauge := range gauges {
		ch <- gauge.desc
	}
}

// Collect asks nvidia-smi; without an answer only nvidia_smi_up 0 is sent.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	gpus, err := c.query()
	if err != nil {
		c.logger.Warn("nvidia-smi gave no answer", "err", err)
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 1)
	for _, gpu := range gpus {
		labels := []string{gpu["index"], gpu["uuid"], gpu["name"]}
		ch <- prometheus.MustNewConstMetric(infoDesc, prometheus.GaugeValue, 1,
			append(labels, gpu["driver_version"])...)
		for _, gauge := range gauges {
			if value, ok := number(gpu[gauge.column]); ok {
				ch <- prometheus.MustNewConstMetric(gauge.desc, prometheus.GaugeValue, value*gauge.factor, labels...)
			}
		}
	}
}

func (c *Collector) query() ([]GPU, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	output, err := exec.CommandContext(ctx, c.program, QueryArgs...).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %s", c.program, err, strings.TrimSpace(string(output)))
	}
	return ParseQuery(strings.NewReader(string(output)))
}
