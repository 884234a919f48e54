package org.attachmentpipeline.common.message;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The pipeline stage that produced an error or gave up on a task. */
public enum Stage {
  @JsonProperty("ingest")
  INGEST,
  @JsonProperty("download")
  DOWNLOAD,
  @JsonProperty("upload")
  UPLOAD,
  @JsonProperty("result")
  RESULT,
  @JsonProperty("replay")
  REPLAY
}
