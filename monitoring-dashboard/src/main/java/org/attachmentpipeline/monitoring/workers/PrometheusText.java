package org.attachmentpipeline.monitoring.workers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Prometheus text exposition format (what {@code /actuator/prometheus} serves) into
 * samples. Comments, blank lines and lines it cannot read are skipped: one odd line must not hide a
 * worker's other numbers.
 */
final class PrometheusText {

  private PrometheusText() {}

  /** One line of the exposition: a metric name, its labels and its value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      Sample sample = parseLine(trimmed);
      if (sample != null) {
        samples.add(sample);
      }
    }
    return samples;
  }

  private static Sample parseLine(String line) {
    int nameEnd = 0;
    while (nameEnd < line.length() && line.charAt(nameEnd) != '{' && line.charAt(nameEnd) != ' ') {
      nameEnd++;
    }
    String name = line.substring(0, nameEnd);
    Map<String, String> labels = new LinkedHashMap<>();
    int at = nameEnd;
    if (at < line.length() && line.charAt(at) == '{') {
      at = labels(line, at + 1, labels);
      if (at < 0) {
        return null;
      }
    }
    String[] rest = line.substring(at).strip().split("\\s+");
    if (name.isEmpty() || rest.length == 0 || rest[0].isEmpty()) {
      return null;
    }
    try {
      return new Sample(name, labels, Double.parseDouble(rest[0].replace("Inf", "Infinity")));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Reads {@code key="value",...}} from {@code at}; the index after the brace, or -1. */
  private static int labels(String line, int at, Map<String, String> labels) {
    int i = at;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '}') {
        return i + 1;
      }
      if (c == ',' || c == ' ') {
        i++;
        continue;
      }
      int eq = line.indexOf('=', i);
      if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
        return -1;
      }
      String key = line.substring(i, eq).strip();
      StringBuilder value = new StringBuilder();
      i = eq + 2;
      while (i < line.length() && line.charAt(i) != '"') {
        char v = line.charAt(i);
        if (v == '\\' && i + 1 < line.length()) {
          char next = line.charAt(++i);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(v);
        }
        i++;
      }
      if (i >= line.length()) {
        return -1;
      }
      labels.put(key, value.toString());
      i++;
    }
    return -1;
  }
}
