package org.attachmentpipeline.results.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local file system of Delta tables sets the permissions Hadoop's would (the umask applied to
 * files, directories and checksum files), without a {@code chmod} process.
 */
class NioLocalFileSystemTests {

  @TempDir Path dir;

  @Test
  void filesDirectoriesAndChecksumsGetThePermissionsOfTheUmask() throws Exception {
    var conf = DeltaEngines.hadoopConfiguration(Map.of("fs.permissions.umask-mode", "027"));
    try (FileSystem fs = FileSystem.newInstance(dir.toUri(), conf)) {
      assertThat(fs).isInstanceOf(NioLocalFileSystem.class);

      var file = new org.apache.hadoop.fs.Path(dir.resolve("part/date=1/data.parquet").toUri());
      try (FSDataOutputStream out = fs.create(file)) {
        out.write(new byte[] {1, 2, 3});
      }

      assertThat(permissions(dir.resolve("part/date=1/data.parquet"))).isEqualTo("rw-r-----");
      assertThat(permissions(dir.resolve("part/date=1/.data.parquet.crc"))).isEqualTo("rw-r-----");
      assertThat(permissions(dir.resolve("part/date=1"))).isEqualTo("rwxr-x---");
      assertThat(permissions(dir.resolve("part"))).isEqualTo("rwxr-x---");
      assertThat(Files.readAllBytes(dir.resolve("part/date=1/data.parquet")))
          .containsExactly(1, 2, 3);
    }
  }

  @Test
  void anExplicitPermissionIsSetAsGiven() throws Exception {
    var conf = DeltaEngines.hadoopConfiguration(Map.of());
    try (FileSystem fs = FileSystem.newInstance(dir.toUri(), conf)) {
      var file = new org.apache.hadoop.fs.Path(dir.resolve("f").toUri());
      fs.create(file).close();

      fs.setPermission(file, new FsPermission((short) 0751));
      assertThat(permissions(dir.resolve("f"))).isEqualTo("rwxr-x--x");
      fs.setPermission(file, new FsPermission((short) 0206));
      assertThat(permissions(dir.resolve("f"))).isEqualTo("-w----rw-");
    }
  }

  private static String permissions(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
