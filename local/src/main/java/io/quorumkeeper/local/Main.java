package io.quorumkeeper.local;

import java.nio.file.Path;

/** Smoke entry, replaced by the CLI. */
public final class Main {
  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
    Path home = Path.of(System.getProperty("quorumkeeper.home", ".")).toAbsolutePath().normalize();
    RuntimeOptions o = RuntimeOptions.defaults(home, home.resolve(".local-runtime"));
    LocalRuntime rt = LocalRuntime.start(o);
    Runtime.getRuntime().addShutdownHook(new Thread(rt::close));
    for (String a : args) rt.apply(Path.of(a));
    Thread.sleep(Long.MAX_VALUE);
  }
}
