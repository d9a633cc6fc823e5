package io.quorumkeeper.node.image;

/**
 * The 4.3.1 image, {@code quorum-keeper/quorum-node:4.3.1} (the tag the operator renders for {@code
 * spec.kafka.version: 4.3.1}), tested as {@link QuorumNodeImageTest} tests the build's own: {@code
 * image/build-image.sh} with {@code TARGET=quorum-node/target/kafka-4.3.1} (this module's package
 * output), three containers of it form one quorum, and every agent reports {@code kafkaVersion}
 * 4.3.1. Failsafe sets the properties that point the inherited test at this layout (pom.xml). It
 * reuses the base image the 4.4.0 test (or .ci/run) built in the same daemon; like that test, it is
 * skipped without a Docker daemon and fails instead when {@code CI=true}.
 */
class Kafka431ImageTest extends QuorumNodeImageTest {}
