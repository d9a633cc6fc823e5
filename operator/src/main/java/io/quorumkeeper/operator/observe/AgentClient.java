package io.quorumkeeper.operator.observe;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quorumkeeper.operator.quorum.AgentReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jboss.logging.Logger;

/**
 * Asks every controller pod's agent for {@code /v1/node}, all at once, with the bearer token from
 * the cluster's Secret. The whole round is bounded by {@code timeout}: a pod that does not answer
 * in time (down, frozen, partitioned) is simply absent from the result.
 */
public final class AgentClient {

  /** The agent's port on every pod (the node contract, docs/node-contract.md). */
  public static final int PORT = 8080;

  private static final Logger LOG = Logger.getLogger(AgentClient.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Duration timeout;
  private final HttpClient http;
  private final PerHostTrust trust = new PerHostTrust();

  /**
   * Hosts whose agent let the last round time out (a frozen process, a node gone dark): they are
   * waited for at most {@link #SILENT_BOUND}, since the whole observation, Kafka's view included,
   * waits for the slowest agent. Without this, every observation of a cluster with one frozen pod
   * took the full bound, each step of a spare activation among them (issue 15). A host leaves the
   * set when it answers.
   */
  private final Set<String> silent = ConcurrentHashMap.newKeySet();

  static final Duration SILENT_BOUND = Duration.ofMillis(50);
  private final HttpClient https;

  public AgentClient(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.https =
        HttpClient.newBuilder().connectTimeout(timeout).sslContext(trust.context()).build();
  }

  /**
   * The reports of the agents that answered, by node id: over HTTPS, each pod trusted only with a
   * certificate from its cluster's CA that names its host, when the cluster runs TLS.
   */
  public Map<Integer, AgentReport> nodes(
      String cluster, Map<Integer, String> hosts, String token, Optional<ClientTls> tls) {
    if (tls.isEmpty()) {
      return nodes(hosts, token);
    }
    hosts.values().forEach(host -> trust.register(cluster, host, tls.get()));
    return ask(https, "https", hosts, token);
  }

  /** Forgets the hosts of a cluster that is gone. */
  public void forget(String cluster) {
    trust.forget(cluster);
  }

  /** The reports of the agents that answered, by node id, over plain HTTP. */
  public Map<Integer, AgentReport> nodes(Map<Integer, String> hosts, String token) {
    return ask(http, "http", hosts, token);
  }

  /**
   * When the certificate the agent presented expires: the pod loaded it at start, as its Kafka did,
   * so this is what the pod runs whatever its Secret holds now.
   */
  private static Optional<Instant> presented(HttpResponse<String> response) {
    try {
      return response
          .sslSession()
          .map(session -> peerCertificate(session))
          .map(certificate -> certificate.getNotAfter().toInstant());
    } catch (RuntimeException unexpected) {
      return Optional.empty();
    }
  }

  private static X509Certificate peerCertificate(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? leaf : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private Map<Integer, AgentReport> ask(
      HttpClient http, String scheme, Map<Integer, String> hosts, String token) {
    Map<Integer, CompletableFuture<HttpResponse<String>>> calls = new HashMap<>();
    hosts.forEach(
        (nodeId, host) ->
            calls.put(
                nodeId,
                http.sendAsync(
                    HttpRequest.newBuilder(
                            URI.create(scheme + "://" + host + ":" + PORT + "/v1/node"))
                        .timeout(timeout)
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofString())));
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    long silentDeadline = start + Math.min(timeout.toNanos(), SILENT_BOUND.toNanos());
    Map<Integer, AgentReport> reports = new HashMap<>();
    calls.forEach(
        (nodeId, call) -> {
          String host = hosts.get(nodeId);
          boolean wasSilent = silent.contains(host);
          try {
            HttpResponse<String> response =
                call.get(
                    Math.max(0, (wasSilent ? silentDeadline : deadline) - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
            silent.remove(host);
            if (response.statusCode() == 200) {
              AgentReport report =
                  JSON.readValue(response.body(), AgentReport.class)
                      .withCertificateNotAfter(presented(response).orElse(null));
              if (report.nodeId() == nodeId) {
                reports.put(nodeId, report);
              }
            } else {
              LOG.debugf(
                  "agent of node %s answered %s", (Object) nodeId, (Object) response.statusCode());
            }
          } catch (TimeoutException e) {
            if (wasSilent) {
              // Its answer may still come (a slow handshake): then it gets the full bound again.
              call.thenAccept(answer -> silent.remove(host));
            } else {
              call.cancel(true);
              silent.add(host);
            }
            LOG.debugf("agent of node %d did not answer in time", nodeId);
          } catch (ExecutionException | java.io.IOException e) {
            call.cancel(true);
            if (e.getCause() instanceof java.net.http.HttpTimeoutException) {
              // The request's own timeout (the same bound) may fire before the wait above ends:
              // silent all the same.
              silent.add(host);
            }
            LOG.debugf("agent of node %d did not answer: %s", nodeId, e.toString());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    return reports;
  }
}
