package org.attachmentpipeline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.attachmentpipeline.common.topic.PipelineTopics;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Without a prefix, the test class's simple name is the prefix: no two classes share a topic. */
@PipelineIntegrationTest(classes = DefaultPrefixTests.Topics.class)
class DefaultPrefixTests {

  @Autowired PipelineTopics topics;

  @Test
  void theClassNameIsThePrefix() {
    assertThat(topics.pending()).isEqualTo("DefaultPrefixTests.pending");
    assertThat(topics.partitions()).isEqualTo(2);
  }

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(PipelineTopics.class)
  static class Topics {}
}
