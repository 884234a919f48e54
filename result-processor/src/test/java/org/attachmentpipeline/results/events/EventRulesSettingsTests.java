package org.attachmentpipeline.results.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.attachmentpipeline.common.event.EventRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

@ExtendWith(OutputCaptureExtension.class)
class EventRulesSettingsTests {

  @Test
  void withNothingSetTheRulesAreTheIngestersDefaults(CapturedOutput output) {
    assertThat(EventRulesSettings.bind(new MockEnvironment())).isEqualTo(EventRules.defaults());
    assertThat(output).doesNotContain("deprecated");
  }

  @Test
  void theResultProcessorReadsTheIngestersSettingsBlock() {
    EventRules rules =
        EventRulesSettings.bind(
            new MockEnvironment()
                .withProperty("pipeline.ingest.extraction.domain-pointer", "/data/line")
                .withProperty("pipeline.ingest.extraction.attachments-pointer", "/data/files")
                .withProperty("pipeline.ingest.extraction.attributes.claim", "/data/claim"));

    assertThat(rules.domainPointer()).isEqualTo("/data/line");
    assertThat(rules.attachmentsPointer()).isEqualTo("/data/files");
    assertThat(rules.attributes()).containsOnlyKeys("claim");
  }

  @Test
  void aDeprecatedResultsEventsSettingStillCountsForOneReleaseWithAWarning(CapturedOutput output) {
    EventRules rules =
        EventRulesSettings.bind(
            new MockEnvironment()
                .withProperty("pipeline.results.events.domain-type-segment", "2")
                .withProperty("pipeline.results.events.group-id", "mine"));

    assertThat(rules.domainTypeSegment()).isEqualTo(2);
    assertThat(output)
        .contains(
            "pipeline.results.events.domain-type-segment is deprecated",
            "pipeline.ingest.extraction.domain-type-segment");
  }

  @Test
  void theSharedSettingWinsOverADeprecatedOne(CapturedOutput output) {
    EventRules rules =
        EventRulesSettings.bind(
            new MockEnvironment()
                .withProperty("pipeline.results.events.default-domain", "old")
                .withProperty("pipeline.ingest.extraction.default-domain", "new"));

    assertThat(rules.defaultDomain()).isEqualTo("new");
    assertThat(output).contains("pipeline.results.events.default-domain is deprecated and ignored");
  }
}
