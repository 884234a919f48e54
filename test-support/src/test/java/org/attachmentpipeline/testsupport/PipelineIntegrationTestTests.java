package org.attachmentpipeline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.attachmentpipeline.common.topic.PipelineTopics;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * What a test class gets from {@link PipelineIntegrationTest}: topics and groups named after its
 * prefix, the module's embedded broker as bootstrap servers, and its own properties still winning.
 */
@PipelineIntegrationTest(
    prefix = "pit",
    partitions = 3,
    classes = PipelineIntegrationTestTests.Topics.class,
    properties = {"pipeline.topics.dlq=mine.dlq", "pipeline.upload.group-id=my-group"})
class PipelineIntegrationTestTests {

  @Autowired PipelineTopics topics;
  @Autowired Environment environment;

  @Test
  void topicsAndGroupsCarryThePrefixAndTheTestsOwnPropertiesWin() {
    assertThat(topics.raw()).isEqualTo("pit.raw");
    assertThat(topics.pending()).isEqualTo("pit.pending");
    assertThat(topics.cached()).isEqualTo("pit.cached");
    assertThat(topics.results()).isEqualTo("pit.results");
    assertThat(topics.retry())
        .containsExactly("pit.retry.1", "pit.retry.2", "pit.retry.3", "pit.retry.4");
    assertThat(topics.dlq()).isEqualTo("mine.dlq");
    assertThat(topics.partitions()).isEqualTo(3);
    assertThat(environment.getProperty("pipeline.download.group-id"))
        .isEqualTo("pit-download-worker");
    assertThat(environment.getProperty("pipeline.upload.group-id")).isEqualTo("my-group");
    assertThat(environment.getProperty("spring.kafka.bootstrap-servers"))
        .isEqualTo(EmbeddedBroker.brokers());
  }

  @Test
  void theNamesAreThoseOfPipelineTestNames() {
    PipelineTestNames names = new PipelineTestNames("pit");
    assertThat(List.of(topics.raw(), topics.pending(), topics.results()))
        .containsExactly(names.raw(), names.pending(), names.results());
  }

  @Nested
  class InANestedClass {

    @Autowired PipelineTopics nestedTopics;

    @Test
    void theEnclosingClassesNamesApply() {
      assertThat(nestedTopics.raw()).isEqualTo("pit.raw");
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(PipelineTopics.class)
  static class Topics {}
}
