package io.quorumkeeper.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.api.v1alpha1.spec.StorageSpec;
import java.io.IOException;
import java.io.StringReader;
import java.util.Map;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a user writes into {@code kafka.config}, the rendered server.properties reads back (as
 * Kafka reads it, with {@link Properties#load}) with every operator-owned key at the operator's
 * value and every user value the validator accepts intact.
 */
class KafkaConfigPropertyTest {

  private static final Pool NODES =
      new Pool("orders", "kafka", PoolKind.NODE, 3, new StorageSpec(), null);

  private static final Properties OWNED = parse(KafkaConfig.render(NODES, NODES, 3, Map.of()));

  @Property(tries = 400)
  void givenAnyUserConfig_thenOwnedKeysKeepTheOperatorsValueAndUserValuesReadBackIntact(
      @ForAll("userConfigs") Map<String, String> user) {
    Properties rendered = parse(KafkaConfig.render(NODES, NODES, 3, user));

    for (String key : OWNED.stringPropertyNames()) {
      if (KafkaConfig.isReserved(key)) {
        assertThat(rendered.getProperty(key)).as(key).isEqualTo(OWNED.getProperty(key));
      }
    }
    user.forEach(
        (key, value) -> {
          if (KafkaConfig.isWellFormedKey(key) && !KafkaConfig.isReserved(key)) {
            assertThat(rendered.getProperty(key)).as(key).isEqualTo(value);
          }
        });
    assertThat(rendered.stringPropertyNames())
        .allMatch(k -> OWNED.containsKey(k) || user.containsKey(k));
  }

  @Property(tries = 200)
  void givenAnyUserValue_thenNoLineCarriesAPlaceholderTheOperatorDidNotWrite(
      @ForAll("hostileValues") String value) {
    String text = KafkaConfig.render(NODES, NODES, 3, Map.of("ssl.keystore.password", value));

    String userLine =
        text.lines().filter(l -> l.startsWith("ssl.keystore.password=")).findFirst().orElseThrow();
    assertThat(userLine).doesNotContain("${").doesNotContain("\n");
  }

  @Example
  void givenTheIssuesExamples_thenNoneMovesTheMetadataLogOrTurnsAutoJoinOn() {
    Map<String, String> hostile =
        Map.of(
            "num.partitions", "6\nlog.dirs=/tmp/elsewhere",
            "log.retention.ms", "1\\",
            "log.dirs ", "/tmp/elsewhere",
            "log\\u002edirs", "/tmp/elsewhere",
            "message.max.bytes", "1\rcontroller.quorum.auto.join.enable=true");

    Properties rendered = parse(KafkaConfig.render(NODES, NODES, 3, hostile));

    assertThat(rendered.getProperty("log.dirs")).isEqualTo("${QK_DATA_DIR}");
    assertThat(rendered.getProperty("controller.quorum.auto.join.enable")).isEqualTo("false");
    assertThat(rendered.getProperty("num.partitions")).isEqualTo("6\nlog.dirs=/tmp/elsewhere");
    assertThat(rendered.getProperty("log.retention.ms")).isEqualTo("1\\");
  }

  /** {@code kafka.config: null}, which a server without the schema delivers: the same as none. */
  @Example
  void givenAnExplicitNullUserConfig_thenTheFileIsTheOperatorsAlone() {
    assertThat(KafkaConfig.render(NODES, NODES, 3, null))
        .isEqualTo(KafkaConfig.render(NODES, NODES, 3, Map.of()));
  }

  @Provide
  Arbitrary<Map<String, String>> userConfigs() {
    Arbitrary<String> keys =
        Arbitraries.oneOf(
            Arbitraries.of(KafkaConfig.RESERVED_KEYS),
            Arbitraries.of(
                "controller.quorum.auto.join.enable",
                "controller.quorum.voters",
                "num.partitions",
                "log.retention.ms",
                "log.dirs ",
                " log.dirs",
                "log\\u002edirs",
                "log.dirs=x",
                "log.dirs:x",
                "#log.dirs",
                "listeners\n",
                "ssl.keystore.password"),
            Arbitraries.strings().ofMinLength(1).ofMaxLength(20));
    return Arbitraries.maps(keys, hostileValues()).ofMaxSize(8);
  }

  @Provide
  Arbitrary<String> hostileValues() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.strings().withChars("\\\n\r\t =:#!${}\u0000\u00e9\u2028 ab").ofMaxLength(30),
        Arbitraries.of(
            "${QK_NODE_ID}", "${file:/etc/secret:key}", "x\nnode.id=7", " lead", "tail\\"));
  }

  private static Properties parse(String text) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(text));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return properties;
  }
}
