package org.attachmentpipeline.launcher;

/** Placeholder: replaced by the launcher work. */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) {
    throw new UnsupportedOperationException("not yet");
  }
}
