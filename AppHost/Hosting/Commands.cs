

namespace EfaPlatform.AppHost.Hosting;

internal static class Commands
{
    /// <summary>Runs a command to its end; fails with its output when it does not succeed.</summary>
    public static async Task RunAsync(
        string fileName, IEnumerable<string> arguments, LogBuffer log, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var lines = new LogBuffer(200);
        lines.LineAdded += line => log.Add(line.Stream, line.Text);
        await using var process = ChildProcess.Start(fileName, arguments, lines, environment, workingDirectory);
        var exitCode = await process.Exited.WaitAsync(cancellationToken);
        if (exitCode != 0)
        {
            var output = string.Join(Environment.NewLine, lines.After(0).Select(line => line.Text));
            throw new ResourceStartException($"`{fileName} {string.Join(' ', arguments)}` failed with exit code {exitCode}:{Environment.NewLine}{output}");
        }
    }

    /// <summary>Finds an executable on PATH or in the given folders; null when it is nowhere.</summary>
    public static string? Find(string name, params string[] folders)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return folders.Concat(path.Split(':', StringSplitOptions.RemoveEmptyEntries))
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
    }

    public static bool IsRoot => Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root";

    /// <summary>The command line that runs <paramref name="fileName"/> as <paramref name="user"/> when the AppHost runs as root.</summary>
    public static (string FileName, List<string> Arguments) AsUser(string user, string fileName, IEnumerable<string> arguments)
    {
        if (!IsRoot)
        {
            return (fileName, arguments.ToList());
        }

        // setpriv replaces itself with the command, so the process id is the server's own.
        return ("setpriv", [$"--reuid={user}", $"--regid={user}", "--init-groups", "--", fileName, .. arguments]);
    }

    public static string NewSecret() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    /// <summary>160 random bits in Base32 (RFC 4648, 32 characters, no padding), as authenticator apps take TOTP secrets.</summary>
    public static string NewBase32Secret() =>
        new string(System.Security.Cryptography.RandomNumberGenerator.GetItems<char>("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 32));

    /// <summary>Reads a secret kept in the data folder, creating it the first time (readable by the AppHost's user only).</summary>
    public static string ReadOrCreateSecret(string path, Func<string>? create = null)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var secret = create is null ? NewSecret() : create();
        WriteSecretFile(path, secret);
        return secret;
    }

    /// <summary>
    /// Writes a new file that only the AppHost's user can read and write, from its creation on: the mode is given to
    /// open(2), so there is no moment in which the umask's mode lets others read it. An existing file is not overwritten.
    /// </summary>
    public static void WriteSecretFile(string path, string content)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }

}
