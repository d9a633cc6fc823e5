package io.quorumkeeper.local.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The cluster DNS of the local runtime: a hosts file every JVM gets with {@code
 * -Djdk.net.hosts.file}. Pod names {@code <pod>.<subdomain>.<ns>.svc} map to the pod's loopback
 * address; a Service name maps to the addresses of the pods its selector picks (a client-side
 * stand-in for a ClusterIP). The JDK reads the file on every lookup, so rewriting it is enough.
 */
public final class HostsFile {

  private final Path file;
  private String written = "";

  public HostsFile(Path file) {
    this.file = file;
  }

  public Path path() {
    return file;
  }

  /** Rewrites the file when its content changes. */
  public synchronized void update(
      List<Pod> pods, List<Service> services, Function<Pod, String> address) {
    String content = render(pods, services, address);
    if (content.equals(written)) {
      return;
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      RuntimeLayout.writeWhole(file, content);
      written = content;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the hosts file " + file, e);
    }
  }

  static String render(List<Pod> pods, List<Service> services, Function<Pod, String> address) {
    Map<String, TreeSet<String>> names = new TreeMap<>();
    for (Pod pod : pods) {
      String ip = address.apply(pod);
      String ns = pod.getMetadata().getNamespace();
      String subdomain = pod.getSpec().getSubdomain();
      if (subdomain != null) {
        String host =
            pod.getSpec().getHostname() == null
                ? pod.getMetadata().getName()
                : pod.getSpec().getHostname();
        add(names, host + "." + subdomain + "." + ns + ".svc", ip);
        add(names, host + "." + subdomain + "." + ns + ".svc.cluster.local", ip);
      }
    }
    for (Service service : services) {
      Map<String, String> selector = service.getSpec().getSelector();
      if (selector == null || selector.isEmpty()) {
        continue;
      }
      String ns = service.getMetadata().getNamespace();
      String name = service.getMetadata().getName();
      for (Pod pod : pods) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (ns.equals(pod.getMetadata().getNamespace())
            && labels != null
            && labels.entrySet().containsAll(selector.entrySet())) {
          String ip = address.apply(pod);
          add(names, name + "." + ns + ".svc", ip);
          add(names, name + "." + ns + ".svc.cluster.local", ip);
          add(names, name + "." + ns, ip);
        }
      }
    }
    StringBuilder out =
        new StringBuilder("# written by quorum-keeper local; rewritten as pods come and go\n");
    out.append("127.0.0.1 localhost ").append(localHostName()).append('\n');
    List<String> lines = new ArrayList<>();
    names.forEach((name, ips) -> ips.forEach(ip -> lines.add(ip + " " + name)));
    lines.forEach(l -> out.append(l).append('\n'));
    return out.toString();
  }

  private static void add(Map<String, TreeSet<String>> names, String name, String ip) {
    names.computeIfAbsent(name, n -> new TreeSet<>()).add(ip);
  }

  /** The machine's name resolves to loopback too: with a hosts file, the JDK asks nothing else. */
  private static String localHostName() {
    try {
      String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      if (!kernel.isEmpty()) {
        return kernel;
      }
    } catch (IOException | UncheckedIOException e) {
      // not Linux: ask the JDK below
    }
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost.localdomain";
    }
  }
}
