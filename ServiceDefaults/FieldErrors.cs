using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace EfaPlatform.ServiceDefaults;

/// <summary>Collects every problem with a request, then refuses it at once with google.rpc.BadRequest field violations.</summary>
public sealed class FieldErrors
{
    private readonly BadRequest _badRequest = new();

    /// <param name="reason">A machine code for the problem (for example "required"), when the description is for people only.</param>
    public FieldErrors Add(string field, string description, string reason = "")
    {
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
        if (_badRequest.FieldViolations.Count == 0)
        {
            return;
        }

        var fields = string.Join(", ", _badRequest.FieldViolations.Select(v => $"{v.Field} {v.Description}"));
        throw new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = $"Invalid request: {fields}.",
            Details = { Any.Pack(_badRequest) },
        }.ToRpcException();
    }

    public static RpcException NotFound(string what) => new(new Grpc.Core.Status(StatusCode.NotFound, $"{what} was not found."));

    public static RpcException Denied(string why) => new(new Grpc.Core.Status(StatusCode.PermissionDenied, why));

    public static RpcException Conflict(string why) => new(new Grpc.Core.Status(StatusCode.AlreadyExists, why));
}
