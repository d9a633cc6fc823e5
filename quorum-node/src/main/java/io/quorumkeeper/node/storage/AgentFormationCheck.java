package io.quorumkeeper.node.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the controller peers' agents ({@code GET /v1/node}) whether the quorum has ever formed. A
 * peer that follows a leader, or whose metadata log has any record (on disk, as its agent reads the
 * directory, or by Kafka's log end offset or high watermark above 0), proves it has: then this node
 * must never format as an initial voter. The disk is what counts after a restart: Kafka reports a
 * log end offset of 0 until the node's first append. This covers the moments Kafka's Admin API
 * cannot answer (an election in progress, a controller that has not loaded its metadata version
 * yet), when "nobody answered" is not "never formed".
 *
 * <p>Returns the leader's id, {@code -1} when the quorum formed but no leader is known right now,
 * or empty when no peer shows any sign of a formed quorum.
 *
 * <p>The peers are asked together, each round as long as its slowest answer rather than the sum of
 * them; the node's own agent, when {@link #answeringForItself named}, is read in the JVM instead of
 * over the network: the same body, without a TLS handshake with itself on a starting node.
 */
public final class AgentFormationCheck implements LeaderCheck {

  private static final Logger LOG = LoggerFactory.getLogger(AgentFormationCheck.class);

  /** The hosts of the controllers in {@code controller.quorum.bootstrap.servers}, in order. */
  private final List<String> controllerHosts;

  private final int agentPort;
  private final String token;
  private final Duration timeout;
  private final String scheme;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  /** This node's host among {@link #controllerHosts}, or null, and what its agent would answer. */
  private final String ownHost;

  private final Supplier<Object> ownAnswer;

  public AgentFormationCheck(
      String bootstrapControllers, int agentPort, String token, Duration timeout) {
    this(bootstrapControllers, agentPort, token, timeout, Optional.empty());
  }

  /**
   * @param tls when present the peers' agents serve HTTPS and are trusted through this context (the
   *     cluster CA only; their host names are verified)
   */
  public AgentFormationCheck(
      String bootstrapControllers,
      int agentPort,
      String token,
      Duration timeout,
      Optional<SSLContext> tls) {
    this.controllerHosts =
        bootstrapControllers == null || bootstrapControllers.isBlank()
            ? List.of()
            : Arrays.stream(bootstrapControllers.split(","))
                .map(String::trim)
                .map(server -> server.substring(0, server.lastIndexOf(':')))
                .toList();
    this.agentPort = agentPort;
    this.token = token;
    this.timeout = timeout;
    this.scheme = tls.isPresent() ? "https" : "http";
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
    tls.ifPresent(builder::sslContext);
    this.http = builder.build();
    this.ownHost = null;
    this.ownAnswer = null;
  }

  private AgentFormationCheck(AgentFormationCheck check, String ownHost, Supplier<Object> answer) {
    this.controllerHosts = check.controllerHosts;
    this.agentPort = check.agentPort;
    this.token = check.token;
    this.timeout = check.timeout;
    this.scheme = check.scheme;
    this.http = check.http;
    this.ownHost = ownHost;
    this.ownAnswer = answer;
  }

  /**
   * This check, reading the agent of {@code host} (this node's) from {@code answer}: the body its
   * {@code GET /v1/node} would serve, as an object Jackson writes the same way.
   */
  public AgentFormationCheck answeringForItself(String host, Supplier<Object> answer) {
    return new AgentFormationCheck(this, host, answer);
  }

  /**
   * What the peers' agents say of formation, in one round: {@link Verdict.Formed} when one follows
   * a leader or has metadata records; {@link Verdict.NeverFormed} only when every controller (this
   * node's own agent included) answered, none knows a leader, and every one says explicitly that
   * its metadata log holds no record on disk; otherwise {@link Verdict.Unknown}.
   */
  public Verdict verdict() {
    return verdict(new HashMap<>());
  }

  /**
   * The verdict of {@link #verdict()}, asking only the controllers {@code answered} holds no answer
   * from yet and keeping their answers there: a check that waits for the last controller's agent to
   * come up asks again only that one. An earlier answer is as good as a fresh one here: a quorum
   * that formed after an agent said its disk was empty needed that agent's node, and one that
   * formed without it shows on the others' disks, which are asked after it.
   */
  Verdict verdict(Map<String, JsonNode> answered) {
    if (controllerHosts.isEmpty()) {
      return new Verdict.Unknown();
    }
    List<String> unanswered =
        controllerHosts.stream().filter(host -> !answered.containsKey(host)).toList();
    List<JsonNode> answers = askAll(unanswered);
    for (int i = 0; i < unanswered.size(); i++) {
      if (answers.get(i) != null) {
        answered.put(unanswered.get(i), answers.get(i));
      }
    }
    boolean formed = false;
    boolean allEmpty = true;
    for (String host : controllerHosts) {
      JsonNode node = answered.get(host);
      if (node == null) {
        allEmpty = false;
        continue;
      }
      if (node.hasNonNull("leaderId")) {
        LOG.info(
            "peer {} follows leader {}: the quorum has formed", host, node.get("leaderId").asInt());
        return new Verdict.Formed(node.get("leaderId").asInt());
      }
      if (node.path("metadataRecordsOnDisk").asBoolean(false)) {
        LOG.info("peer {} has metadata records on disk: the quorum has formed", host);
        formed = true;
      } else if (node.path("logEndOffset").asLong(0) > 0
          || node.path("highWatermark").asLong(0) > 0) {
        LOG.info(
            "peer {} has metadata records (log end offset {}): the quorum has formed",
            host,
            node.path("logEndOffset").asLong(0));
        formed = true;
      } else if (!node.path("metadataRecordsOnDisk").isBoolean()) {
        allEmpty = false; // an agent that does not say what its disk holds proves nothing
      }
    }
    if (formed) {
      return new Verdict.Formed(-1);
    }
    return allEmpty ? new Verdict.NeverFormed() : new Verdict.Unknown();
  }

  /**
   * Whether some controller's agent knows a leader and a high watermark above 0: the quorum has
   * committed the first records of its log, and no later election can truncate them (ADR 018). True
   * at once when there is no controller to ask.
   */
  public boolean committed() {
    if (controllerHosts.isEmpty()) {
      return true;
    }
    for (JsonNode node : askAll()) {
      if (node != null && node.hasNonNull("leaderId") && node.path("highWatermark").asLong(0) > 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether some controller's agent names {@code nodeId} as the quorum's leader. Asked by a node
   * that has just formatted an empty disk: its peers can only mean an earlier incarnation of it,
   * the leader whose disk was lost, which they have not yet noticed is gone (ADR 019).
   */
  public boolean namesAsLeader(int nodeId) {
    for (JsonNode node : askAll()) {
      if (node != null && node.hasNonNull("leaderId") && node.get("leaderId").asInt() == nodeId) {
        return true;
      }
    }
    return false;
  }

  /** What the agents said. */
  public sealed interface Verdict {
    /** The quorum formed; {@code leaderId} is -1 when no leader is known right now. */
    record Formed(int leaderId) implements Verdict {}

    /** Every controller answered: no leader, and no metadata record on any disk. */
    record NeverFormed() implements Verdict {}

    /** Some did not answer or did not say; no sign of formation from the others. */
    record Unknown() implements Verdict {}
  }

  @Override
  public OptionalInt findLeader() {
    return verdict() instanceof Verdict.Formed formed
        ? OptionalInt.of(formed.leaderId())
        : OptionalInt.empty();
  }

  /** Every controller's answer, in {@link #controllerHosts}' order; null for none. */
  private List<JsonNode> askAll() {
    return askAll(controllerHosts);
  }

  /** The answers of {@code hosts}' agents, asked together, in their order; null for none. */
  private List<JsonNode> askAll(List<String> hosts) {
    List<CompletableFuture<JsonNode>> asked = hosts.stream().map(this::ask).toList();
    return asked.stream().map(AgentFormationCheck::await).toList();
  }

  private static JsonNode await(CompletableFuture<JsonNode> answer) {
    try {
      return answer.get();
    } catch (ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private CompletableFuture<JsonNode> ask(String host) {
    if (host.equals(ownHost)) {
      try {
        return CompletableFuture.completedFuture(json.valueToTree(ownAnswer.get()));
      } catch (RuntimeException e) {
        // what the agent would have answered with a 500: no answer, as from a silent peer
        LOG.debug("own agent could not say what this node holds: {}", e.toString());
        return CompletableFuture.completedFuture(null);
      }
    }
    return http.sendAsync(
            HttpRequest.newBuilder(URI.create(scheme + "://" + host + ":" + agentPort + "/v1/node"))
                .header("Authorization", "Bearer " + token)
                .timeout(timeout)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, failure) -> {
              if (failure != null) {
                LOG.debug("peer agent {} did not answer: {}", host, failure.toString());
                return null;
              }
              return response.statusCode() == 200 ? parse(response.body()) : null;
            });
  }

  private JsonNode parse(String body) {
    try {
      return json.readTree(body);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /**
   * Kafka's answer, raced against the agents asked every {@code pollEvery} while it is awaited: an
   * agent's sign of formation ends the check at once (formed), and so does every controller
   * answering with no leader and no metadata record on its disk (never formed: with every disk
   * empty there is no committed record anywhere to lose, and the initial voters format together).
   * Otherwise Kafka's leader when it finds one within its deadline, else one last round of the
   * agents, all of them asked again. Each poll asks only the agents that have not answered yet.
   * Kafka is asked only once the agents have not decided within {@code kafkaAfter}: its Admin
   * client costs a starting node about half a CPU-second, which at a cluster's creation the other
   * nodes starting on the same machine need, while the agents decide within a round or two.
   */
  public static LeaderCheck racing(
      LeaderCheck admin, AgentFormationCheck agents, Duration pollEvery, Duration kafkaAfter) {
    return () -> {
      long askKafkaAt = System.nanoTime() + kafkaAfter.toNanos();
      CompletableFuture<OptionalInt> kafka = null;
      Map<String, JsonNode> answered = new HashMap<>();
      while (true) {
        Verdict said = agents.verdict(answered);
        if (said instanceof Verdict.Formed formed) {
          return OptionalInt.of(formed.leaderId());
        }
        if (said instanceof Verdict.NeverFormed) {
          LOG.info(
              "every controller's agent answered with no leader and no metadata record on its"
                  + " disk: the quorum never formed");
          return OptionalInt.empty();
        }
        if (kafka == null && System.nanoTime() - askKafkaAt >= 0) {
          kafka = CompletableFuture.supplyAsync(admin::findLeader);
        }
        try {
          if (kafka == null) {
            TimeUnit.MILLISECONDS.sleep(pollEvery.toMillis());
            continue;
          }
          OptionalInt leader = kafka.get(pollEvery.toMillis(), TimeUnit.MILLISECONDS);
          return leader.isPresent() ? leader : agents.findLeader();
        } catch (TimeoutException e) {
          // Kafka has not answered yet: ask the agents again
        } catch (ExecutionException e) {
          return agents.findLeader();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return agents.findLeader();
        }
      }
    };
  }
}
