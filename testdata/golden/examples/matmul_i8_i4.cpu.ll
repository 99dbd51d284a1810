; LLVM IR emitted by q35c for "examples/matmul_i8_i4.q35"
source_filename = "examples/matmul_i8_i4.q35"

define i32 @matmul_i8_i4(i8* %A, i64 %A_bytes, i8* %W, i64 %W_bytes, float* %S, i64 %S_bytes, float* %C, i64 %C_bytes) {
entry:
	%0 = icmp ne i64 %A_bytes, 1024
	%1 = or i1 false, %0
	%2 = icmp ne i64 %W_bytes, 2048
	%3 = or i1 %1, %2
	%4 = icmp ne i64 %S_bytes, 128
	%5 = or i1 %3, %4
	%6 = icmp ne i64 %C_bytes, 256
	%7 = or i1 %5, %6
	%8 = alloca { i64, i64, i8*, i8*, float*, float* }
	br i1 %7, label %bad_size, label %body

bad_size:
	ret i32 1

body:
	%9 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %8, i32 0, i32 0
	store i64 0, i64* %9
	%10 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %8, i32 0, i32 1
	store i64 4, i64* %10
	%11 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %8, i32 0, i32 2
	store i8* %A, i8** %11
	%12 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %8, i32 0, i32 3
	store i8* %W, i8** %12
	%13 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %8, i32 0, i32 4
	store float* %S, float** %13
	%14 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %8, i32 0, i32 5
	store float* %C, float** %14
	%15 = bitcast { i64, i64, i8*, i8*, float*, float* }* %8 to i8*
	call void @GOMP_parallel(void (i8*)* @matmul_i8_i4.parallel.1, i8* %15, i32 0, i32 0)
	ret i32 0
}

define internal void @matmul_i8_i4.parallel.1(i8* %data) {
entry:
	%0 = bitcast i8* %data to { i64, i64, i8*, i8*, float*, float* }*
	%1 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %0, i32 0, i32 0
	%2 = load i64, i64* %1
	%3 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %0, i32 0, i32 1
	%4 = load i64, i64* %3
	%5 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %0, i32 0, i32 2
	%6 = load i8*, i8** %5
	%7 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %0, i32 0, i32 3
	%8 = load i8*, i8** %7
	%9 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %0, i32 0, i32 4
	%10 = load float*, float** %9
	%11 = getelementptr { i64, i64, i8*, i8*, float*, float* }, { i64, i64, i8*, i8*, float*, float* }* %0, i32 0, i32 5
	%12 = load float*, float** %11
	%13 = call i32 @omp_get_thread_num()
	%14 = sext i32 %13 to i64
	%15 = call i32 @omp_get_num_threads()
	%16 = sext i32 %15 to i64
	%17 = sub i64 %4, %2
	%18 = icmp sgt i64 %17, 0
	%19 = select i1 %18, i64 %17, i64 0
	%20 = add i64 %19, 0
	%21 = sdiv i64 %20, 1
	%22 = sub i64 %16, 1
	%23 = add i64 %21, %22
	%24 = sdiv i64 %23, %16
	%25 = mul i64 %14, %24
	%26 = mul i64 %25, 1
	%27 = add i64 %2, %26
	%28 = mul i64 %24, 1
	%29 = add i64 %27, %28
	%30 = icmp slt i64 %29, %4
	%31 = select i1 %30, i64 %29, i64 %4
	br label %for.1

for.1:
	%32 = phi i64 [ %27, %entry ], [ %36, %endfor.6 ]
	%33 = icmp slt i64 %32, %31
	br i1 %33, label %body.2, label %endfor.3

body.2:
	br label %for.4

endfor.3:
	ret void

for.4:
	%34 = phi i64 [ 0, %body.2 ], [ %47, %endfor.9 ]
	%35 = icmp slt i64 %34, 16
	br i1 %35, label %body.5, label %endfor.6

body.5:
	br label %for.7

endfor.6:
	%36 = add i64 %32, 1
	br label %for.1

for.7:
	%37 = phi i64 [ 0, %body.5 ], [ %87, %endfor.12 ]
	%38 = phi float [ 0.0, %body.5 ], [ %86, %endfor.12 ]
	%39 = icmp slt i64 %37, 2
	br i1 %39, label %body.8, label %endfor.9

body.8:
	%40 = mul i64 %37, 128
	%41 = mul i64 %37, 128
	%42 = add i64 %41, 128
	br label %for.10

endfor.9:
	%43 = add i64 0, %32
	%44 = mul i64 %43, 16
	%45 = add i64 %44, %34
	%46 = getelementptr float, float* %12, i64 %45
	store float %38, float* %46
	%47 = add i64 %34, 1
	br label %for.4

for.10:
	%48 = phi i64 [ %40, %body.8 ], [ %76, %body.11 ]
	%49 = phi <16 x i32> [ <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %body.8 ], [ %75, %body.11 ]
	%50 = icmp slt i64 %48, %42
	br i1 %50, label %body.11, label %endfor.12

body.11:
	%51 = add i64 0, %32
	%52 = mul i64 %51, 256
	%53 = add i64 %52, %48
	%54 = getelementptr i8, i8* %6, i64 %53
	%55 = bitcast i8* %54 to <16 x i8>*
	%56 = load <16 x i8>, <16 x i8>* %55, align 1
	%57 = sext <16 x i8> %56 to <16 x i32>
	%58 = icmp slt i64 %48, 0
	%59 = select i1 %58, i64 1, i64 0
	%60 = sub i64 %48, %59
	%61 = sdiv i64 %60, 2
	%62 = add i64 0, %34
	%63 = mul i64 %62, 128
	%64 = add i64 %63, %61
	%65 = getelementptr i8, i8* %8, i64 %64
	%66 = bitcast i8* %65 to <8 x i8>*
	%67 = load <8 x i8>, <8 x i8>* %66, align 1
	%68 = shl <8 x i8> %67, <i8 4, i8 4, i8 4, i8 4, i8 4, i8 4, i8 4, i8 4>
	%69 = ashr <8 x i8> %68, <i8 4, i8 4, i8 4, i8 4, i8 4, i8 4, i8 4, i8 4>
	%70 = ashr <8 x i8> %67, <i8 4, i8 4, i8 4, i8 4, i8 4, i8 4, i8 4, i8 4>
	%71 = shufflevector <8 x i8> %69, <8 x i8> %70, <16 x i32> <i32 0, i32 8, i32 1, i32 9, i32 2, i32 10, i32 3, i32 11, i32 4, i32 12, i32 5, i32 13, i32 6, i32 14, i32 7, i32 15>
	%72 = trunc <16 x i8> %71 to <16 x i4>
	%73 = sext <16 x i4> %72 to <16 x i32>
	%74 = mul <16 x i32> %57, %73
	%75 = add <16 x i32> %49, %74
	%76 = add i64 %48, 16
	br label %for.10

endfor.12:
	%77 = call i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %49)
	%78 = add i32 0, %77
	%79 = sitofp i32 %78 to float
	%80 = add i64 0, %34
	%81 = mul i64 %80, 2
	%82 = add i64 %81, %37
	%83 = getelementptr float, float* %10, i64 %82
	%84 = load float, float* %83
	%85 = fmul float %79, %84
	%86 = fadd float %38, %85
	%87 = add i64 %37, 1
	br label %for.7
}

declare i32 @omp_get_thread_num()

declare i32 @omp_get_num_threads()

declare i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %0)

declare void @GOMP_parallel(void (i8*)* %0, i8* %1, i32 %2, i32 %3)
