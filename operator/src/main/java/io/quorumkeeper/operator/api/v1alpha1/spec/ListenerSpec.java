package io.quorumkeeper.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One client listener of the brokers (docs/security.md, "Client listeners"). */
public class ListenerSpec {

  // The schema's messages, repeated word for word by the operator's own validation.
  public static final String NAMES_UNIQUE = "listeners: every listener needs a name of its own";
  public static final String PORTS_UNIQUE = "listeners: every listener needs a port of its own";
  public static final String NAME_RESERVED =
      "listeners: controller, replication and agent are the operator's own names";
  public static final String PORT_RESERVED =
      "listeners: ports 9091 (replication), 9093 (controller) and 8080 (agent) are the operator's"
          + " own";
  public static final String TLS_AUTH_NEEDS_TLS =
      "listeners: authentication tls needs tls: true (the client certificate is sent in the TLS"
          + " handshake)";
  public static final String PLAINTEXT_ONE_ANONYMOUS =
      "listeners: a Plaintext cluster has a single anonymous listener without TLS; TLS and"
          + " authentication need security.transport TLS (its cluster CA issues the certificates)";

  /** The most client listeners a cluster may declare. */
  public static final int MAX_LISTENERS = 8;

  /** A DNS label short enough to name a container port (15 characters, no double dash). */
  public static final String NAME_PATTERN = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$";

  public static final int MAX_NAME_LENGTH = 15;

  @JsonPropertyDescription(
      "The listener's name: lower-case letters, digits and single dashes, at most 15 characters;"
          + " Kafka's listener name is the same upper-cased. Not controller, replication or agent.")
  @Required
  @Pattern(NAME_PATTERN)
  @Size(max = MAX_NAME_LENGTH)
  private String name;

  @JsonPropertyDescription("The port, 1024 to 65535; not 9091, 9093 or 8080 (the operator's own).")
  @Required
  @Min(1024)
  @Max(65535)
  private int port;

  @JsonPropertyDescription("Whether the listener encrypts with the cluster CA's certificates.")
  @Default("false")
  private boolean tls;

  @JsonPropertyDescription(
      "none (anonymous), scram-sha-512 (the user in Secret <cluster>-<name>-user) or tls (a client"
          + " certificate from that Secret; needs tls: true).")
  @Default("none")
  private ListenerAuthentication authentication = ListenerAuthentication.NONE;

  /** The largest connection cap a listener may be given. */
  public static final int MAX_CONNECTIONS = 1_000_000;

  @JsonPropertyDescription(
      "The most connections each broker takes on this listener at once (Kafka's"
          + " listener.name.<name>.max.connections), 1 to 1000000. Unset: as many as a quarter of"
          + " the broker's heap holds while callers have not authenticated yet, for listeners"
          + " with TLS or authentication (docs/security.md); anonymous plaintext ones are not"
          + " capped. TLS clusters only.")
  @Min(1)
  @Max(MAX_CONNECTIONS)
  private Integer maxConnections;

  public ListenerSpec() {}

  public ListenerSpec(String name, int port, boolean tls, ListenerAuthentication authentication) {
    this.name = name;
    this.port = port;
    this.tls = tls;
    this.authentication = authentication;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public int getPort() {
    return port;
  }

  public void setPort(int port) {
    this.port = port;
  }

  public boolean isTls() {
    return tls;
  }

  public void setTls(boolean tls) {
    this.tls = tls;
  }

  public Integer getMaxConnections() {
    return maxConnections;
  }

  public void setMaxConnections(Integer maxConnections) {
    this.maxConnections = maxConnections;
  }

  public ListenerAuthentication getAuthentication() {
    return authentication;
  }

  public void setAuthentication(ListenerAuthentication authentication) {
    this.authentication = authentication;
  }
}
