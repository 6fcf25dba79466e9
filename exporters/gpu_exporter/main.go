// Copyright (c) mlox.stack contributors
// GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
// SPDX-License-Identifier: GPL-3.0-or-later

// gpu_exporter serves the health of a host's NVIDIA GPUs, as nvidia-smi reports it, in the
// Prometheus format over HTTPS (exporter-toolkit's web config).
package main

import (
	"net/http"
	"os"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/promslog"
	"github.com/prometheus/common/promslog/flag"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"
)

func main() {
	var (
		metricsPath = kingpin.Flag("web.telemetry-path", "Path under which to expose metrics.").
				Default("/metrics").String()
		nvidiaSmi = kingpin.Flag("nvidia-smi.path", "nvidia-smi program (a name is looked up in PATH).").
				Default("nvidia-smi").String()
		timeout = kingpin.Flag("nvidia-smi.timeout", "Time nvidia-smi may take to answer.").
			Default("10s").Duration()
		toolkitFlags = kingpinflag.AddFlags(kingpin.CommandLine, ":9835")
	)
	logConfig := &promslog.Config{}
	flag.AddFlags(kingpin.CommandLine, logConfig)
	kingpin.Version(version.Print("gpu_exporter"))
	kingpin.HelpFlag.Short('h')
	kingpin.Parse()
	logger := promslog.New(logConfig)

	registry := prometheus.NewRegistry()
	registry.MustRegister(
		NewCollector(*nvidiaSmi, *timeout, logger),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	http.Handle(*metricsPath, promhttp.HandlerFor(registry, promhttp.HandlerOpts{ErrorLog: slogAdapter{logger}}))
	if *metricsPath != "/" {
		landing, err := web.NewLandingPage(web.LandingConfig{
			Name:        "GPU exporter (mlox.stack)",
			Description: "NVIDIA GPU metrics from nvidia-smi",
			Version:     version.Info(),
			Links:       []web.LandingLinks{{Address: *metricsPath, Text: "Metrics"}},
		})
		if err != nil {
			logger.Error("landing page", "err", err)
			os.Exit(1)
		}
		http.Handle("/", landing)
	}
	server := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	logger.Info("starting gpu_exporter", "version", version.Info())
	if err := web.ListenAndServe(server, toolkitFlags, logger); err != nil {
		logger.Error("server stopped", "err", err)
		os.Exit(1)
	}
}
