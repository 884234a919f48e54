package org.attachmentpipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * One PNG per scenario, drawn headless with XChart: results per second and end-to-end latency
 * percentiles (p50, p95, p99) per second, from the start of the scenario.
 */
final class Plots {

  private Plots() {}

  @SuppressWarnings("unchecked")
  static List<Path> write(Path dir, Map<String, Object> report) {
    List<Path> written = new ArrayList<>();
    Map<String, Object> scenarios = (Map<String, Object>) report.get("scenarios");
    scenarios.forEach(
        (name, value) -> {
          List<Map<String, Object>> timeline =
              (List<Map<String, Object>>) ((Map<String, Object>) value).get("timeline");
          if (timeline == null || timeline.isEmpty()) {
            return;
          }
          Path file = dir.resolve(name + ".png");
          write(file, name, timeline);
          written.add(file);
        });
    return written;
  }

  private static void write(Path file, String name, List<Map<String, Object>> timeline) {
    double[] seconds = series(timeline, "second");
    XYChart throughput =
        new XYChartBuilder()
            .width(900)
            .height(320)
            .title(name + ": throughput")
            .xAxisTitle("seconds since start")
            .build();
    throughput.addSeries("files/s", seconds, series(timeline, "files"));
    throughput.addSeries("MB/s (right axis)", seconds, series(timeline, "mb")).setYAxisGroup(1);
    throughput.setYAxisGroupTitle(0, "files/s");
    throughput.setYAxisGroupTitle(1, "MB/s");
    throughput.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    XYChart latency =
        new XYChartBuilder()
            .width(900)
            .height(320)
            .title(name + ": end-to-end latency of the results of each second")
            .xAxisTitle("seconds since start")
            .yAxisTitle("ms")
            .build();
    for (String p : List.of("p50", "p95", "p99")) {
      latency.addSeries(p, seconds, series(timeline, "latency_" + p + "_ms"));
    }
    List<Chart<?, ?>> charts = List.of(throughput, latency);
    try {
      BitmapEncoder.saveBitmap(charts, 2, 1, file.toString(), BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /** A column of the timeline; a second without results has no latency, drawn as 0. */
  private static double[] series(List<Map<String, Object>> timeline, String key) {
    double[] values = new double[timeline.size()];
    for (int i = 0; i < values.length; i++) {
      Object value = timeline.get(i).get(key);
      values[i] = value instanceof Number number ? number.doubleValue() : 0;
    }
    return values;
  }
}
