package org.attachmentpipeline.download.cache;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Another process on the cache volume, run in a child JVM. {@code hold <file>}: locks the file as a
 * download of another instance does, prints {@code locked}, and keeps the lock until its standard
 * input closes. {@code probe <file>}: prints {@code free} when it can lock the file, else {@code
 * busy}.
 */
public final class PartFileLocker {

  private PartFileLocker() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[1]);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (args[0].equals("probe")) {
        System.out.println(lock == null ? "busy" : "free");
        return;
      }
      if (lock == null) {
        System.out.println("busy");
        return;
      }
      System.out.println("locked");
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      while (in.readLine() != null) {
        // hold the lock until the parent closes our input
      }
    }
  }
}
