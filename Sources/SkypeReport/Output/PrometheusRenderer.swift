import Prometheus
import SkypeExport

/// The report in Prometheus' text exposition format (for a node-exporter textfile collector or
/// a push gateway), built with swift-prometheus and named by its conventions: snake case, a
/// `skype_load_` prefix, units as suffixes, `_total` on counters, one label per dimension.
package enum PrometheusRenderer {
    package static func render(_ report: LoadReport) -> String {
        let registry = PrometheusCollectorRegistry()
        /// `skype_load_<name>_<unit>`; an empty unit adds no suffix.
        func descriptor(_ name: String, unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "skype_load", metricName: name, unitName: unit, helpText: help)
        }
        func counter(_ name: String, _ help: String, _ value: Int, _ labels: [(String, String)] = []) {
            registry.makeCounter(descriptor: descriptor(name, unit: "total", help), labels: labels).increment(by: Int64(value))
        }
        func gauge(_ name: String, _ help: String, _ value: Double, _ labels: [(String, String)] = []) {
            registry.makeGauge(descriptor: descriptor(name, unit: "", help), labels: labels).set(to: value)
        }
        let run = [("run", report.runID.map(String.init) ?? "none")]
        gauge("info", "The load run: 1, with its status as a label", 1, run + [("status", report.status.rawValue)])
        gauge("elapsed_seconds", "Wall time of the load", report.elapsedSeconds, run)
        gauge("messages_per_second", "Messages loaded per second of wall time", report.messagesPerSecond, run)
        counter("export_messages", "Messages found in the export", report.exportMessages, run)
        counter("shards", "Shards the export was cut into", report.shards, run)
        for line in report.workers {
            let labels = run + [("worker", String(line.worker ?? -1))]
            for metric in WorkerSummary.metrics {
                guard let exported = metric.prometheus, case let .count(figure, _) = metric.value else { continue }
                counter(exported.name, exported.help, line[keyPath: figure], labels)
            }
        }
        for (_, name, path) in PhaseSeconds.all {
            gauge("phase_wall_seconds", "Wall time during which some process was in the phase",
                  report.phases.wallSeconds[keyPath: path], run + [("phase", name)])
            gauge("phase_summed_seconds", "Time in the phase summed over processes",
                  report.phases.summedSeconds[keyPath: path], run + [("phase", name)])
        }
        for (quantile, value) in [("0.5", report.shardLatency.p50Seconds), ("0.95", report.shardLatency.p95Seconds),
                                  ("0.99", report.shardLatency.p99Seconds), ("1", report.shardLatency.maxSeconds)] {
            gauge("shard_latency_seconds", "Shard receipt-to-commit time", value, run + [("quantile", quantile)])
        }
        for (state, count) in report.retriesBySQLState {
            counter("retries_by_sqlstate", "Retries by the SQLSTATE that caused them", count, run + [("sqlstate", state)])
        }
        for (kind, count) in [("nul", report.repairs.nulCharacters), ("invalid_utf8", report.repairs.invalidUTF8),
                              ("lone_surrogate", report.repairs.loneSurrogates)] {
            counter("repairs", "Values repaired so PostgreSQL could store them", count, run + [("kind", kind)])
        }
        for (reason, count) in report.rejects {
            counter("rejects_by_reason", "Messages rejected, by reason", count, run + [("reason", reason)])
        }
        for (state, files, bytes) in [("found", report.media.filesFound, report.media.bytesFound),
                                      ("stored", report.media.filesStored, report.media.bytesStored),
                                      ("already_present", report.media.filesAlreadyPresent, report.media.bytesAlreadyPresent),
                                      ("skipped", report.media.filesSkipped, report.media.bytesSkipped)] {
            counter("media_files", "Media files of the export, by what happened to their bytes", files, run + [("state", state)])
            counter("media_bytes", "Bytes of media files, by what happened to them", Int(bytes), run + [("state", state)])
        }
        for (type, count) in report.messageTypes {
            counter("messages_by_type", "Messages loaded, by messagetype", count, run + [("type", type)])
        }
        return registry.emitToString()
    }
}
