namespace EfaPlatform.PushReceiver;

/// <summary>Failures a test asks for: the next N deliveries answered with a status, delayed, or cut off.</summary>
public sealed class Faults
{
    private readonly Lock _lock = new();
    private FaultPlan _plan = new(0, 500, 0, 0, 0, false);

    /// <param name="DelayNext">How many of the next deliveries wait <paramref name="DelayMs"/> before they are taken and answered.</param>
    public sealed record FaultPlan(int FailNext, int Status, int DelayMs, int DelayNext, int CloseNext, bool Down);

    public void Set(FaultPlan plan)
    {
        lock (_lock)
        {
            _plan = plan;
        }
    }

    /// <summary>What to do with the next delivery: fail with a status, close the connection, and how long to wait first.</summary>
    public (int? Status, bool Close, int DelayMs) Next()
    {
        lock (_lock)
        {
            var delay = 0;
            if (_plan.DelayNext > 0)
            {
                delay = _plan.DelayMs;
                _plan = _plan with { DelayNext = _plan.DelayNext - 1 };
            }

            if (_plan.Down)
            {
                return (503, false, delay);
            }

            if (_plan.CloseNext > 0)
            {
                _plan = _plan with { CloseNext = _plan.CloseNext - 1 };
                return (null, true, delay);
            }

            if (_plan.FailNext > 0)
            {
                _plan = _plan with { FailNext = _plan.FailNext - 1 };
                return (_plan.Status, false, delay);
            }

            return (null, false, delay);
        }
    }
}
