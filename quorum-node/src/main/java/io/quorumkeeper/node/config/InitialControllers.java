package io.quorumkeeper.node.config;

import io.quorumkeeper.node.LaunchException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.DirectoryId;
import org.apache.kafka.common.Uuid;

/**
 * The {@code initial.controllers} value of bootstrap.properties: {@code
 * id@host:port:directoryId,...}, exactly the syntax of {@code kafka-storage format
 * --initial-controllers}. Kept as text too, so the very string the operator rendered is what
 * StorageTool receives.
 */
public record InitialControllers(String text, List<Voter> voters) {

  private static final Pattern VOTER =
      Pattern.compile("(\\d{1,9})@([^:@,\\s]+):(\\d{1,5}):([A-Za-z0-9_-]{22})");

  /** One initial voter. */
  public record Voter(int nodeId, String host, int port, String directoryId) {}

  public InitialControllers {
    voters = List.copyOf(voters);
  }

  public static InitialControllers none() {
    return new InitialControllers("", List.of());
  }

  /** Parses the value; an empty or absent value means no initial controllers. */
  public static InitialControllers parse(String text) {
    if (text == null || text.isBlank()) {
      return none();
    }
    List<Voter> voters = new ArrayList<>();
    for (String entry : text.trim().split(",")) {
      Matcher matcher = VOTER.matcher(entry.trim());
      if (!matcher.matches()) {
        throw LaunchException.badInput(
            "initial.controllers entry '"
                + entry
                + "' is not id@host:port:directoryId (directoryId: 22-character base64 UUID)");
      }
      int nodeId = Integer.parseInt(matcher.group(1));
      checkDirectoryId(entry, matcher.group(4));
      if (voters.stream().anyMatch(v -> v.nodeId() == nodeId)) {
        throw LaunchException.badInput("initial.controllers names node id " + nodeId + " twice");
      }
      voters.add(
          new Voter(
              nodeId, matcher.group(2), Integer.parseInt(matcher.group(3)), matcher.group(4)));
    }
    return new InitialControllers(text.trim(), voters);
  }

  private static void checkDirectoryId(String entry, String directoryId) {
    Uuid uuid;
    try {
      uuid = Uuid.fromString(directoryId);
    } catch (IllegalArgumentException e) {
      throw LaunchException.badInput(
          "initial.controllers entry '"
              + entry
              + "' has an invalid directory id: "
              + e.getMessage());
    }
    if (DirectoryId.reserved(uuid)) {
      throw LaunchException.badInput(
          "initial.controllers entry '"
              + entry
              + "' uses a reserved directory id; Kafka would refuse to start on it");
    }
  }

  public boolean isEmpty() {
    return voters.isEmpty();
  }

  public Optional<Voter> voter(int nodeId) {
    return voters.stream().filter(v -> v.nodeId() == nodeId).findFirst();
  }
}
