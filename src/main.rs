use std::ffi::c_void;
use std::process::ExitCode;

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc,
    mi_zalloc_aligned,
};

// mimalloc spends about 8% fewer instructions than the system allocator on the
// many small values of a parsed payload. Without transparent huge pages: with
// them, its arenas took the peak memory of a 10 000-file run from 37 MB to 60-70 MB.
#[global_allocator]
static ALLOCATOR: Mimalloc = Mimalloc;

/// mimalloc, asked for alignment only when a layout needs more than every
/// block has. `mimalloc::MiMalloc` passes every layout to the aligned entry
/// points, which take a slow path (over-allocating) for any block that is
/// not a power of two in size: most strings, maps and buffers.
struct Mimalloc;

impl Mimalloc {
    /// True when any block has the alignment `layout` needs: every block
    /// mimalloc hands out is a whole number of machine words, at a
    /// word-aligned address.
    fn plain(layout: std::alloc::Layout) -> bool {
        layout.align() <= std::mem::size_of::<usize>()
    }

    /// A block from `plain` when any block will do, else from `aligned`.
    ///
    /// # Safety
    /// `plain` and `aligned` are mimalloc's entry points of one kind.
    unsafe fn block(
        layout: std::alloc::Layout,
        plain: unsafe extern "C" fn(usize) -> *mut c_void,
        aligned: unsafe extern "C" fn(usize, usize) -> *mut c_void,
    ) -> *mut u8 {
        // SAFETY: FFI calls with a size and a power-of-two alignment.
        unsafe {
            if Self::plain(layout) {
                plain(layout.size()).cast()
            } else {
                aligned(layout.size(), layout.align()).cast()
            }
        }
    }
}

// SAFETY: every block comes from mimalloc and goes back to it; a layout whose
// alignment a plain block may lack goes through the aligned entry points.
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: both are mimalloc's allocating entry points.
        unsafe { Self::block(layout, mi_malloc, mi_malloc_aligned) }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: both are mimalloc's zeroing entry points.
        unsafe { Self::block(layout, mi_zalloc, mi_zalloc_aligned) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from this allocator (the caller's contract).
        unsafe { mi_free(ptr.cast()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout` (the caller's
        // contract); the new block keeps the alignment the old one needed.
        unsafe {
            if Self::plain(layout) {
                mi_realloc(ptr.cast(), new_size).cast()
            } else {
                mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

fn main() -> ExitCode {
    idplint::cli::main()
}

#[cfg(test)]
mod tests {
    use super::Mimalloc;
    use std::alloc::{GlobalAlloc, Layout};

    /// Every size and alignment gives a block of that alignment, and a
    /// block keeps its bytes and its alignment when it grows or shrinks.
    #[test]
    fn blocks_are_aligned_and_keep_their_bytes() {
        let sizes = [1, 3, 8, 12, 24, 40, 100, 1000, 1500, 5000, 70_000, 1 << 21];
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for &size in &sizes {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: non-zero sizes; each block is freed once, with its layout.
                unsafe {
                    let zeroed = Mimalloc.alloc_zeroed(layout);
                    assert_eq!(zeroed as usize % align, 0, "zeroed {size}/{align}");
                    assert!((0..size).all(|i| *zeroed.add(i) == 0));
                    Mimalloc.dealloc(zeroed, layout);

                    let mut block = Mimalloc.alloc(layout);
                    assert_eq!(block as usize % align, 0, "{size}/{align}");
                    for i in 0..size {
                        *block.add(i) = i as u8;
                    }
                    let mut layout = layout;
                    // Grown, then shrunk below the first size.
                    for new_size in [size * 3 + 5, size.div_ceil(2)] {
                        let kept = layout.size().min(new_size).min(size);
                        block = Mimalloc.realloc(block, layout, new_size);
                        layout = Layout::from_size_align(new_size, align).unwrap();
                        assert_eq!(block as usize % align, 0, "{size}->{new_size}/{align}");
                        assert!((0..kept).all(|i| *block.add(i) == i as u8));
                    }
                    Mimalloc.dealloc(block, layout);
                }
            }
        }
    }
}
