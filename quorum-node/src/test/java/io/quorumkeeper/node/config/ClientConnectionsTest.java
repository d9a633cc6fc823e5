package io.quorumkeeper.node.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ClientConnectionsTest {

  static final long MIB = 1024 * 1024;

  /** What the operator renders for a TLS Combined pod with a SCRAM and a certificate listener. */
  static final String TLS_COMBINED =
      """
      controller.listener.names=CONTROLLER
      inter.broker.listener.name=REPLICATION
      listener.security.protocol.map=CLIENTS:SASL_SSL,CONTROLLER:SSL,INTERNAL:SSL,REPLICATION:SSL
      listeners=CONTROLLER://10.0.0.1:9093,REPLICATION://10.0.0.1:9091,\
      CLIENTS://10.0.0.1:9092,INTERNAL://10.0.0.1:9094
      """;

  @Test
  void givenTheImagesHeapOfAGibibyte_thenEachAuthenticatingClientListenerGetsHalfOfAQuarter() {
    Map<String, String> bounds = ClientConnections.bounds(read(TLS_COMBINED), 1024 * MIB);

    // a quarter of the heap is 256 MiB, 128 MiB per listener: 128 KiB per unauthenticated SCRAM
    // connection over TLS (64 KiB message, 64 KiB TLS), 64 KiB per certificate one
    assertThat(bounds)
        .containsExactly(
            Map.entry("listener.name.clients.sasl.server.max.receive.size", "65536"),
            Map.entry("listener.name.clients.max.connections", "1024"),
            Map.entry("listener.name.internal.max.connections", "2048"));
  }

  @Test
  void givenAControllerOrAPlaintextCluster_thenNothingIsCapped() {
    String controller =
        """
        controller.listener.names=CONTROLLER
        listener.security.protocol.map=CONTROLLER:SSL
        listeners=CONTROLLER://10.0.0.1:9093
        """;
    String plaintext =
        """
        controller.listener.names=CONTROLLER
        inter.broker.listener.name=PLAINTEXT
        listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
        listeners=CONTROLLER://10.0.0.1:9093,PLAINTEXT://10.0.0.1:9092
        """;

    assertThat(ClientConnections.bounds(read(controller), 1024 * MIB)).isEmpty();
    assertThat(ClientConnections.bounds(read(plaintext), 1024 * MIB)).isEmpty();
    assertThat(ClientConnections.appendTo(plaintext, 1024 * MIB)).isEqualTo(plaintext);
  }

  @Test
  void givenTheInterBrokerListenerAuthenticates_thenItIsNotCapped() {
    String sasl =
        """
        controller.listener.names=CONTROLLER
        inter.broker.listener.name=CLIENTS
        listener.security.protocol.map=CONTROLLER:SSL,CLIENTS:SASL_PLAINTEXT
        listeners=CONTROLLER://10.0.0.1:9093,CLIENTS://10.0.0.1:9092
        """;

    assertThat(ClientConnections.bounds(read(sasl), 1024 * MIB)).isEmpty();
  }

  @Test
  void givenATemplateThatSetsAKeyPerListenerOrBrokerWide_thenItKeepsItsValue() {
    String tuned =
        TLS_COMBINED
            + "listener.name.clients.max.connections=50\n"
            + "sasl.server.max.receive.size=131072\n";

    Map<String, String> bounds = ClientConnections.bounds(read(tuned), 1024 * MIB);

    // the broker-wide receive size is what a SCRAM connection may then hold: 192 KiB each
    assertThat(bounds).containsExactly(Map.entry("listener.name.internal.max.connections", "2048"));
  }

  @Test
  void givenATinyHeap_thenTheCapStaysUsable() {
    Map<String, String> bounds = ClientConnections.bounds(read(TLS_COMBINED), 16 * MIB);

    assertThat(bounds.get("listener.name.clients.max.connections"))
        .isEqualTo(Long.toString(ClientConnections.MIN_CONNECTIONS));
  }

  @Test
  void givenARenderedFile_thenTheBoundsAreAppendedAndReadBackAsKafkaReadsThem() {
    String rendered = ClientConnections.appendTo(TLS_COMBINED.strip(), 512 * MIB);
    Properties server = read(rendered);

    assertThat(server.getProperty("controller.listener.names")).isEqualTo("CONTROLLER");
    assertThat(server.getProperty("listener.name.clients.max.connections")).isEqualTo("512");
    assertThat(ClientConnections.describe(server))
        .isEqualTo(
            "CLIENTS at most 512 connections and 65536 bytes per message unauthenticated,"
                + " INTERNAL at most 1024 connections");
  }

  @Property
  void whatTheCappedConnectionsHoldStaysWithinAQuarterOfTheHeap(
      @ForAll @LongRange(min = 64 * MIB, max = 1L << 40) long heap,
      @ForAll @IntRange(min = 1, max = 8) int listeners) {
    StringBuilder names = new StringBuilder("CONTROLLER://10.0.0.1:9093");
    StringBuilder protocols = new StringBuilder("CONTROLLER:SSL");
    for (int i = 0; i < listeners; i++) {
      names.append(",C").append(i).append("://10.0.0.1:").append(9100 + i);
      protocols.append(",C").append(i).append(':').append(i % 2 == 0 ? "SASL_SSL" : "SSL");
    }
    Properties server = new Properties();
    server.setProperty("controller.listener.names", "CONTROLLER");
    server.setProperty("inter.broker.listener.name", "CONTROLLER");
    server.setProperty("listeners", names.toString());
    server.setProperty("listener.security.protocol.map", protocols.toString());

    Map<String, String> bounds = ClientConnections.bounds(server, heap);

    long held = 0;
    for (int i = 0; i < listeners; i++) {
      long cap = Long.parseLong(bounds.get("listener.name.c" + i + ".max.connections"));
      assertThat(cap).isBetween(ClientConnections.MIN_CONNECTIONS, (long) Integer.MAX_VALUE);
      String receive = bounds.get("listener.name.c" + i + ".sasl.server.max.receive.size");
      held +=
          cap
              * (ClientConnections.TLS_CONNECTION
                  + (receive == null ? 0 : Long.parseLong(receive)));
    }
    assertThat(held).isLessThanOrEqualTo(Math.max(heap / 4, listeners * 128 * 128 * 1024L));
  }

  private static Properties read(String text) {
    return PropertiesText.parse(text);
  }
}
