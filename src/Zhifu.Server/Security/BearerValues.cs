using System.Security.Cryptography;
using System.Text;

namespace Zhifu.Server.Security;

/// <summary>
/// Short-lived bearer values — a payment code (付款码), a face token — are stored only as their SHA-256: whoever reads the
/// database cannot present them, and the one holding the value finds its row by hashing it again.
/// </summary>
public static class BearerValues
{
    /// <summary>The lowercase hex SHA-256 of an ASCII bearer value.</summary>
    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(value)));
}
