"""The variational equation with the product in the wrong order: J̇ = J (∂f/∂x)."""


def _variational_rhs(field):
    def rhs(state):
        F, D = (np.asarray(v) for v in field(state[0]))
        return (F, state[1] @ D, np.trace(D, axis1=1, axis2=2))

    return rhs
