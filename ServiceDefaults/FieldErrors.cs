using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace EfaPlatform.ServiceDefaults;

/// <summary>Collects every problem with a request, then refuses it at once with google.rpc.BadRequest field violations.</summary>
public sealed class FieldErrors
{
    private const int MaxInMessage = 5;
    private const int MaxFieldLength = 200;

    private readonly BadRequest _badRequest = new();

    /// <param name="reason">A machine code for the problem (for example "required"), when the description is for people only.</param>
    public FieldErrors Add(string field, string description, string reason = "")
    {
        // A field path can come from the caller (an unknown answer key): keep it short enough for error headers.
        field = field.Length > MaxFieldLength ? string.Concat(field.AsSpan(0, MaxFieldLength), "…") : field;
        _badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description, Reason = reason });
        return this;
    }

    public FieldErrors Require(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, "is required");
        }

        return value.Length > maxLength ? Add(field, $"must have at most {maxLength} characters") : this;
    }

    public void ThrowIfAny()
    {
        if (_badRequest.FieldViolations.Count > 0)
        {
            throw ToRpcException(StatusCode.InvalidArgument, null);
        }
    }

    /// <summary>The collected problems as an error of <paramref name="code"/>; the message lists the first few unless given.</summary>
    public RpcException ToRpcException(StatusCode code, string? message)
    {
        // The message travels in a header (grpc-message): the first few problems only; the details carry them all.
        var shown = _badRequest.FieldViolations.Take(MaxInMessage).Select(v => $"{v.Field} {v.Description}");
        var more = _badRequest.FieldViolations.Count - MaxInMessage;
        var fields = string.Join(", ", shown) + (more > 0 ? $" and {more} more" : "");
        return new Google.Rpc.Status
        {
            Code = (int)code,
            Message = message ?? $"Invalid request: {fields}.",
            Details = { Any.Pack(_badRequest) },
        }.ToRpcException();
    }

    public static RpcException NotFound(string what) => new(new Grpc.Core.Status(StatusCode.NotFound, $"{what} was not found."));

    public static RpcException Denied(string why) => new(new Grpc.Core.Status(StatusCode.PermissionDenied, why));

    public static RpcException Conflict(string why) => new(new Grpc.Core.Status(StatusCode.AlreadyExists, why));

    /// <summary>The request is fine, but what it asks for cannot happen in the state things are in (400 over REST).</summary>
    public static RpcException Precondition(string why) => new(new Grpc.Core.Status(StatusCode.FailedPrecondition, why));
}
