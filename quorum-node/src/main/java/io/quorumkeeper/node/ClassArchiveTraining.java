package io.quorumkeeper.node;

import io.quorumkeeper.node.agent.AgentTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;

/**
 * The training run of the node's class archive (docs/quorum-node.md, "Start time"): one throwaway
 * single-node cluster taken through the launcher's real path (leader check, StorageTool format,
 * agent, Kafka's start as broker and controller) until the agent says the node is ready, its
 * endpoints asked once, then the JVM exits. Run with {@code -XX:ArchiveClassesAtExit=<file>}, the
 * JVM writes every class it loaded on the way to that file as it exits; a node started with {@code
 * -XX:SharedArchiveFile=<file>} and the same classpath maps them instead of loading them from the
 * jars, which is most of a node's start.
 *
 * <p>The throwaway node speaks TLS as the operator's nodes do by default (a throwaway CA issued by
 * the JRE's keytool, {@link TrainingCertificates}), so the archive also holds the classes of TLS
 * handshakes, PEM key stores and the HTTPS agent, which a TLS node otherwise loads from the jars on
 * every start; without keytool it trains on Plaintext listeners.
 *
 * <p>Usage: {@code ClassArchiveTraining <empty or throwaway directory>}. Listens on free ports of
 * 127.0.0.1 only. Exit code 0 once the node was ready; 1 when it was not within {@link #DEADLINE}
 * (the archive is then still written, with fewer classes: the build does not depend on it).
 */
public final class ClassArchiveTraining {

  static final Duration DEADLINE = Duration.ofMinutes(2);

  private static final String HOST = "127.0.0.1";
  private static final String TOKEN = "training-token";
  private static final String POD = "training-node-0";

  private ClassArchiveTraining() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ClassArchiveTraining <throwaway directory>");
      System.exit(2);
    }
    Path dir = Path.of(args[0]).toAbsolutePath();
    clean(dir);
    Optional<Path> tls;
    try {
      tls = Optional.of(TrainingCertificates.issue(dir.resolve("tls"), POD));
    } catch (IOException e) {
      System.out.println(
          "class archive training: no TLS material (" + e.getMessage() + "); Plaintext only");
      tls = Optional.empty();
    }
    Ports ports = new Ports(freePort(), freePort(), freePort(), freePort(), freePort());
    Map<String, String> env = prepare(dir, ports, tls);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread launcher =
        new Thread(
            () -> {
              try {
                Launcher.run(env);
              } catch (Throwable e) {
                failed.set(e);
              }
            },
            "training-launcher");
    launcher.setDaemon(true);
    launcher.start();
    boolean ready = awaitReady(ports.agent(), tls, failed);
    System.out.println(
        ready
            ? "class archive training: the node was ready; exiting"
            : "class archive training: the node was not ready ("
                + (failed.get() == null ? "deadline " + DEADLINE : failed.get())
                + "); exiting");
    System.exit(ready ? 0 : 1);
  }

  /**
   * The node's listeners (controller, replication, clients, and a Plaintext one so that a TLS
   * training archives Plaintext's classes too) and its agent.
   */
  record Ports(int controller, int replication, int clients, int plain, int agent) {}

  private static void clean(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * The pod's environment and its ConfigMap files as the operator would write them for a new
   * single-node Combined cluster on {@code 127.0.0.1}: with {@code tls} (a directory holding {@code
   * ca.crt} and {@code <pod>.pem}) the operator's TLS contract (controller and replication on SSL
   * with client certificates required, clients on SASL_SSL with SCRAM, Kafka's authorizer, an HTTPS
   * agent), else Plaintext listeners.
   */
  static Map<String, String> prepare(Path dir, Ports ports, Optional<Path> tls) throws IOException {
    Path config = Files.createDirectories(dir.resolve("config"));
    Path data = Files.createDirectories(dir.resolve("data"));
    String controller = HOST + ":" + ports.controller();
    Files.writeString(
        config.resolve("bootstrap.properties"),
        String.join(
            "\n",
            List.of(
                "agent.port=" + ports.agent(),
                "cluster.formed=false",
                "cluster.id=" + Uuid.randomUuid(),
                "initial.controllers=0@" + controller + ":" + Uuid.randomUuid(),
                "node.id.offset=0",
                "process.roles=broker,controller",
                "")));
    List<String> server = new ArrayList<>();
    server.addAll(
        List.of(
            "process.roles=broker,controller",
            "node.id=${QK_NODE_ID}",
            "log.dirs=${QK_DATA_DIR}",
            "controller.listener.names=CONTROLLER",
            "controller.quorum.bootstrap.servers=" + controller,
            "inter.broker.listener.name=REPLICATION",
            "listeners=" + listeners("${POD_IP}", ports),
            "advertised.listeners=" + listeners("${QK_POD_HOST}", ports),
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1"));
    if (tls.isPresent()) {
      server.addAll(
          List.of(
              "listener.security.protocol.map="
                  + "CONTROLLER:SSL,REPLICATION:SSL,CLIENTS:SASL_SSL,PLAIN:PLAINTEXT",
              "listener.name.clients.sasl.enabled.mechanisms=SCRAM-SHA-512",
              "listener.name.clients.scram-sha-512.sasl.jaas.config="
                  + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
              "listener.name.clients.ssl.client.auth=none",
              "ssl.client.auth=required",
              "ssl.keystore.type=PEM",
              "ssl.keystore.location=${QK_TLS_DIR}/${POD_NAME}.pem",
              "ssl.truststore.type=PEM",
              "ssl.truststore.location=${QK_TLS_DIR}/ca.crt",
              "ssl.principal.mapping.rules=RULE:^CN=training-node-[0-9]+$/quorum-keeper-node/,DEFAULT",
              "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
              "super.users=User:quorum-keeper-node"));
    } else {
      server.add(
          "listener.security.protocol.map=CONTROLLER:PLAINTEXT,REPLICATION:PLAINTEXT,"
              + "CLIENTS:PLAINTEXT,PLAIN:PLAINTEXT");
    }
    server.add("");
    Files.writeString(config.resolve("server.properties"), String.join("\n", server));
    Files.writeString(dir.resolve("agent-token"), TOKEN + "\n");
    Map<String, String> env = new HashMap<>();
    env.put("POD_NAME", POD);
    env.put("POD_NAMESPACE", "training");
    env.put("POD_IP", HOST);
    env.put("QK_POD_HOST", HOST);
    env.put("QK_CONFIG_DIR", config.toString());
    env.put("QK_DATA_DIR", data.toString());
    env.put("QK_TOKEN_FILE", dir.resolve("agent-token").toString());
    env.put("QK_WORK_DIR", dir.resolve("work").toString());
    tls.ifPresent(t -> env.put("QK_TLS_DIR", t.toString()));
    return env;
  }

  private static String listeners(String host, Ports ports) {
    return "CONTROLLER://%s:%d,REPLICATION://%s:%d,CLIENTS://%s:%d,PLAIN://%s:%d"
        .formatted(
            host,
            ports.controller(),
            host,
            ports.replication(),
            host,
            ports.clients(),
            host,
            ports.plain());
  }

  /**
   * Until the agent answers ready (then its other endpoints once, so their classes are archived
   * too), the launcher failed, or {@link #DEADLINE}.
   */
  private static boolean awaitReady(
      int agentPort, Optional<Path> tls, AtomicReference<Throwable> failed)
      throws InterruptedException {
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    tls.ifPresent(t -> client.sslContext(AgentTls.clientTrusting(t.resolve("ca.crt"))));
    HttpClient http = client.build();
    String base = (tls.isPresent() ? "https://" : "http://") + HOST + ":" + agentPort;
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < end && failed.get() == null) {
      if (status(http, base + "/v1/readyz") == 200) {
        status(http, base + "/v1/healthz");
        status(http, base + "/v1/node");
        status(http, base + "/metrics");
        return true;
      }
      Thread.sleep(200); // a poll of a process that is starting; nothing to be woken by
    }
    return false;
  }

  private static int status(HttpClient http, String url) throws InterruptedException {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Authorization", "Bearer " + TOKEN)
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1; // not listening yet
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }
}
