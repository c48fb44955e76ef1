from clinic.public.routes import bp

__all__ = ["bp"]
