package io.quorumkeeper.node.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.Map;
import java.util.Properties;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RequestMemoryTest {

  static final long MIB = 1024 * 1024;

  @Test
  void givenTheImagesHeapOfAGibibyte_thenSixtyFourMibibytesPerSocketServer() {
    assertThat(RequestMemory.bounds(1024 * MIB, MIB + 12))
        .containsExactly(
            Map.entry(RequestMemory.POOL, Long.toString(64 * MIB)),
            Map.entry(RequestMemory.REQUEST_MAX, Long.toString(64 * MIB)));
  }

  @Test
  void givenALargeHeap_thenRequestsKeepKafkasOwnLimit() {
    Map<String, String> bounds = RequestMemory.bounds(16 * 1024 * MIB, MIB + 12);
    assertThat(bounds.get(RequestMemory.POOL)).isEqualTo(Long.toString(1024 * MIB));
    assertThat(bounds.get(RequestMemory.REQUEST_MAX)).isEqualTo(Long.toString(100 * MIB));
  }

  @Test
  void givenLargeRecordBatchesAllowed_thenARequestHoldsOneAndThePoolARequest() {
    Map<String, String> bounds = RequestMemory.bounds(256 * MIB, 40 * MIB);
    assertThat(bounds.get(RequestMemory.REQUEST_MAX)).isEqualTo(Long.toString(41 * MIB));
    assertThat(bounds.get(RequestMemory.POOL)).isEqualTo(Long.toString(41 * MIB));
  }

  @Property
  void kafkasRuleHoldsForAnyHeapAndBatchSize(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long heap,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long messageMax) {
    Map<String, String> bounds = RequestMemory.bounds(heap, messageMax);
    long pool = Long.parseLong(bounds.get(RequestMemory.POOL));
    long requestMax = Long.parseLong(bounds.get(RequestMemory.REQUEST_MAX));
    // queued.max.request.bytes >= socket.request.max.bytes, which is an int in Kafka
    assertThat(pool).isGreaterThanOrEqualTo(requestMax);
    assertThat(requestMax).isBetween(RequestMemory.MIN_POOL, (long) Integer.MAX_VALUE);
  }

  @Test
  void givenARenderedFile_thenBothKeysAreAppendedAndTheRestIsKept() throws Exception {
    String rendered = "node.id=3\nmessage.max.bytes=2097152";

    Properties read = new Properties();
    read.load(new StringReader(RequestMemory.appendTo(rendered, 512 * MIB)));

    assertThat(read.getProperty("node.id")).isEqualTo("3");
    assertThat(read.getProperty(RequestMemory.POOL)).isEqualTo(Long.toString(32 * MIB));
    assertThat(read.getProperty(RequestMemory.REQUEST_MAX)).isEqualTo(Long.toString(32 * MIB));
  }

  @Test
  void givenATemplateThatSetsEitherKey_thenItIsLeftAsItIs() {
    String rendered = "socket.request.max.bytes=1048576\n";

    assertThat(RequestMemory.appendTo(rendered, 512 * MIB)).isEqualTo(rendered);
  }
}
