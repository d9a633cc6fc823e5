package io.quorumkeeper.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetadataVersionsTest {

  @Test
  void levelsAndNamesAreKafkasOwn() {
    assertThat(MetadataVersions.level("4.3-IV0")).contains(30);
    assertThat(MetadataVersions.level("4.4-IV2")).contains(33);
    assertThat(MetadataVersions.name(30)).isEqualTo("4.3-IV0");
    assertThat(MetadataVersions.name(99)).isEqualTo("99");
    assertThat(MetadataVersions.latest("4.3.1")).contains(30);
    assertThat(MetadataVersions.latest("4.4.0")).contains(33);
  }

  @Test
  void beforeFinalizationBothVersionsAreAccepted() {
    assertThat(MetadataVersions.check("4.3.1", null, 30)).isEmpty();
    assertThat(MetadataVersions.check("4.4.0", null, 30)).isEmpty();
    assertThat(MetadataVersions.check("4.4.0", "4.4-IV2", 30)).isEmpty();
    assertThat(MetadataVersions.check("4.3.1", null, null)).isEmpty();
  }

  @Test
  void afterFinalizationADowngradeIsRefusedWithAReason() {
    assertThat(MetadataVersions.check("4.3.1", null, 33))
        .singleElement()
        .asString()
        .startsWith("kafka.version 4.3.1 cannot run metadata.version 4.4-IV2")
        .contains("a downgrade is possible only before finalization");
  }

  @Test
  void aRequestedLevelMustBeKnownRunnableAndNotLower() {
    assertThat(MetadataVersions.check("4.4.0", "4.9-IV9", 30))
        .singleElement()
        .asString()
        .startsWith("kafka.metadataVersion 4.9-IV9 is not known");
    assertThat(MetadataVersions.check("4.3.1", "4.4-IV2", 30))
        .singleElement()
        .asString()
        .isEqualTo(
            "kafka.metadataVersion 4.4-IV2 needs a newer Kafka than 4.3.1, which runs at most"
                + " 4.3-IV0");
    assertThat(MetadataVersions.check("4.4.0", "4.3-IV0", 33))
        .singleElement()
        .asString()
        .contains("is below the finalized 4.4-IV2: metadata.version is never lowered");
  }

  @Test
  void givenTheFinalizedLevelNotReadYet_thenADowngradeWaitsButAnUpgradeOrTheSameVersionDoesNot() {
    assertThat(MetadataVersions.check("4.3.1", null, null, "4.4.0"))
        .singleElement()
        .asString()
        .contains("older than the running 4.4.0")
        .contains("the downgrade waits");
    assertThat(MetadataVersions.check("4.4.0", null, null, "4.3.1")).isEmpty();
    assertThat(MetadataVersions.check("4.4.0", null, null, "4.4.0")).isEmpty();
    assertThat(MetadataVersions.check("4.3.1", null, 30, "4.4.0")).isEmpty();
  }
}
