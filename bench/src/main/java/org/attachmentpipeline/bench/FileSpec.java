package org.attachmentpipeline.bench;

/**
 * One generated file of the corpus. Everything the server needs to answer for it is in its name, so
 * the corpus takes no disk and no memory: {@code <id>-<size>-<delay ms>-<fail %>.bin}.
 *
 * @param id the file's number in its scenario, unique within a run together with the scenario
 * @param host which local host serves it (0 is 127.0.0.1)
 * @param size its size in bytes
 * @param delayMillis how long the server waits before answering for this file
 * @param failPercent the share of requests for it answered with 503
 */
public record FileSpec(long id, int host, long size, int delayMillis, int failPercent) {

  /** The file name, which is also the last segment of its URL. */
  public String name() {
    return id + "-" + size + "-" + delayMillis + "-" + failPercent + ".bin";
  }

  /** The file described by a name made by {@link #name()}, served by {@code host}. */
  static FileSpec parse(String name, int host) {
    String stem = name.endsWith(".bin") ? name.substring(0, name.length() - 4) : name;
    String[] parts = stem.split("-");
    if (parts.length != 4) {
      throw new IllegalArgumentException("not a corpus file: " + name);
    }
    return new FileSpec(
        Long.parseLong(parts[0]),
        host,
        Long.parseLong(parts[1]),
        Integer.parseInt(parts[2]),
        Integer.parseInt(parts[3]));
  }
}
