package io.quorumkeeper.node;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A JVM that looks up {@code peer.test} before its hosts file has it, then adds it, lets 2.5 s pass
 * and looks again: prints {@code resolved} or {@code unknown}. With {@code launcher} it first
 * initialises the {@link Launcher} class, as starting a node does (its DNS cache policy, {@link
 * DnsCaching}). Run by {@link DnsCachingTest} with {@code -Djdk.net.hosts.file}.
 */
public final class DnsCachingProbe {

  private DnsCachingProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("launcher")) {
      // what starting the launcher does first: its class, whose logger set-up looks names up
      Class.forName(Launcher.class.getName(), true, DnsCachingProbe.class.getClassLoader());
    }
    Path hosts = Path.of(System.getProperty("jdk.net.hosts.file"));
    System.out.println("first lookup: " + lookup());
    Files.writeString(hosts, "127.0.99.7 peer.test\n", StandardOpenOption.APPEND);
    // the scenario: a peer's address appears, and 2.5 s pass before the next lookup
    Thread.sleep(2500);
    System.out.println("second lookup: " + lookup());
  }

  private static String lookup() {
    try {
      InetAddress.getByName("peer.test");
      return "resolved";
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
