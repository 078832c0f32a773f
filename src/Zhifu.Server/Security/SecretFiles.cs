using System.Text;

namespace Zhifu.Server.Security;

/// <summary>
/// Files that hold secrets under the data directory (generated development keys, the platform's signing keys, the demo
/// merchant's and terminal's private keys): owner-only (0600) from the first byte — written to a new temporary file created
/// with that mode, then moved over the old one, so no reader ever sees a partial file or one with the default (umask) mode.
/// </summary>
public static class SecretFiles
{
    public static void Write(string path, string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.Delete(temporary); // a new file gets the mode asked; an old one would keep its own
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var file = new FileStream(temporary, options))
        {
            file.Write(Encoding.UTF8.GetBytes(content));
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a secret file, making it owner-only first if an earlier version left it with the default mode.</summary>
    public static string Read(string path)
    {
        if (!OperatingSystem.IsWindows()
            && (File.GetUnixFileMode(path) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)) != 0)
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return File.ReadAllText(path);
    }
}
