namespace EfaPlatform.TestInfrastructure;

public static class TestDirectories
{
    /// <summary>A fresh folder under /tmp that the postgres server user can enter (it is started under that user as root).</summary>
    public static string Create(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), $"efa-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A server may still be writing its last file; the folder is under /tmp.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
